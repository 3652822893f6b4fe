# AiProxy container image: a framework-dependent linux-x64 publish on the ASP.NET Core runtime, running as the
# non-root `app` user (UID 1654), listening on 8080, reading its config from /etc/aiproxy/aiproxy.json.
# It writes nothing outside /tmp, so it runs with a read-only root filesystem (mount an emptyDir at /tmp).
#   docker build -t aiproxy .
#   docker run --read-only --tmpfs /tmp -p 8080:8080 -e OPENAI_API_KEY aiproxy
# .ci/deploy-checks lints this file, checks every COPY source, and runs these restore/publish commands.
# For reproducible builds pin the two base images by digest (tag@sha256:...) in your registry.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
# Restore first, from the project files only, so the package layer is cached until a project file changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Transforms/AiProxy.Transforms.csproj src/Transforms/
COPY src/Proxy/AiProxy.csproj src/Proxy/
RUN dotnet restore src/Proxy/AiProxy.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/Proxy/AiProxy.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime
WORKDIR /app
COPY --from=build /app ./
# The default config (OpenAI from OPENAI_API_KEY, llama*/qwen*/... to a local Ollama); in Kubernetes a ConfigMap
# mounted at /etc/aiproxy replaces it and is watched for edits.
COPY config/aiproxy.json config/aiproxy.schema.json /etc/aiproxy/
# ASPNETCORE_URLS: all interfaces inside the container (the proxy's own default is 127.0.0.1:8080).
# AiProxy__DrainTimeout: on SIGTERM, in-flight requests and streams get 25 s to finish (under Kubernetes'
# default 30 s grace period). TMPDIR: the only place the runtime writes (diagnostics sockets).
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    AIPROXY_CONFIG=/etc/aiproxy/aiproxy.json \
    AiProxy__DrainTimeout=25s \
    DOTNET_gcServer=1 \
    TMPDIR=/tmp
EXPOSE 8080
# APP_UID (1654) comes from the base image; numeric, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "AiProxy.dll"]

# AiProxy container image: a published build on the ASP.NET runtime, running as the non-root app user.
# Build: docker build -t aiproxy .      Run: docker run -p 8080:8080 -e OPENAI_API_KEY=... aiproxy
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first (cached layer): project files and the shared build props, including the YARP PackageDownload workaround.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Transforms/AiProxy.Transforms.csproj src/Transforms/
COPY src/Proxy/AiProxy.csproj src/Proxy/
RUN dotnet restore src/Proxy/AiProxy.csproj
COPY src/ src/
RUN dotnet publish src/Proxy/AiProxy.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY config/aiproxy.json config/aiproxy.schema.json ./config/
# Listen on all interfaces inside the pod/container; mount your own config and point AIPROXY_CONFIG at it
# (a ConfigMap mounted as a directory is watched and hot-reloaded).
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_gcServer=1 \
    AIPROXY_CONFIG=/app/config/aiproxy.json
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "AiProxy.dll"]

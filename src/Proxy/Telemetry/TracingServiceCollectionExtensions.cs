using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AiProxy.Telemetry;

/// <summary>OTLP trace export, on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (env var, command line or config).</summary>
public static class TracingServiceCollectionExtensions
{
    /// <summary>Adds a tracer provider exporting the proxy's, YARP's and ASP.NET Core's spans over OTLP when an endpoint is configured.</summary>
    public static IServiceCollection AddAiProxyTracing(this IServiceCollection services, IConfiguration configuration)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            // No tracing: don't let HttpClient build an outgoing Activity (redacted URL, tags, traceparent) for every
            // upstream call just because ASP.NET Core keeps one per request for log scopes; it was the largest single
            // share of the proxy's extra CPU over bare YARP. A client's own traceparent header still passes through.
            AppContext.SetSwitch("System.Net.Http.EnableActivityPropagation", false);
            return services;
        }
        var protocol = string.Equals(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"], "grpc", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.Grpc
            : OtlpExportProtocol.HttpProtobuf;
        var serviceName = configuration["OTEL_SERVICE_NAME"] ?? "aiproxy";

        services.AddSingleton(_ => new TracerProviderHolder(Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
            .AddSource(ProxyTracing.SourceName, "Yarp.ReverseProxy", "Microsoft.AspNetCore")
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                // For http/protobuf the signal path is appended unless the endpoint already names it.
                o.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf && !uri.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal)
                    ? new Uri(uri, uri.AbsolutePath.TrimEnd('/') + "/v1/traces")
                    : uri;
            })
            .Build()));
        return services;
    }
}

/// <summary>Owns the tracer provider so the host disposes (and flushes) it on shutdown.</summary>
internal sealed class TracerProviderHolder(TracerProvider? provider) : IDisposable
{
    public TracerProvider? Provider { get; } = provider;

    public void Dispose() => Provider?.Dispose();
}

using System.Diagnostics;
using AiProxy.Pipeline;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Telemetry;

/// <summary>
/// The proxy's spans: cache lookups and each upstream attempt, with OpenTelemetry gen_ai semantic-convention
/// attributes. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null without a listener, so
/// tracing costs nothing unless an exporter (OTLP) or a test listens.
/// </summary>
internal static class ProxyTracing
{
    public const string SourceName = "AiProxy";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartAttempt(AiRequestFeature feature)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var operation = OperationName(feature.Operation);
        var model = feature.UpstreamModel ?? feature.Request?.Model;
        var activity = Source.StartActivity(model is null ? operation : operation + " " + model, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("gen_ai.operation.name", operation);
            activity.SetTag("gen_ai.system", SystemName(feature.Target?.Kind));
            activity.SetTag("gen_ai.provider.name", SystemName(feature.Target?.Kind));
            activity.SetTag("gen_ai.request.model", model);
            activity.SetTag("server.address", feature.Target?.BaseUrl.Host);
            activity.SetTag("aiproxy.provider", feature.Provider?.Name);
            activity.SetTag("aiproxy.route", feature.Route.Name);
            activity.SetTag("aiproxy.attempt", feature.Attempt);
            activity.SetTag("aiproxy.key", feature.Lease?.Fingerprint);
            activity.SetTag("aiproxy.stream", feature.Request?.Stream == true);
        }
        return activity;
    }

    public static void EndAttempt(Activity? activity, AiRequestFeature feature, string outcome, bool retried)
    {
        if (activity is null)
        {
            return;
        }
        if (feature.UpstreamStatus != 0)
        {
            activity.SetTag("http.response.status_code", feature.UpstreamStatus);
        }
        activity.SetTag("aiproxy.outcome", outcome);
        if (feature.Usage is { } usage && !retried)
        {
            activity.SetTag("gen_ai.usage.input_tokens", usage.Prompt);
            activity.SetTag("gen_ai.usage.output_tokens", usage.Completion);
        }
        if (outcome is not "ok")
        {
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag("error.type", outcome);
        }
        activity.Dispose();
    }

    private static string OperationName(AiOperation operation) => operation switch
    {
        AiOperation.ChatCompletions or AiOperation.Responses => "chat",
        AiOperation.Completions => "text_completion",
        AiOperation.Embeddings => "embeddings",
        _ => "passthrough",
    };

    private static string SystemName(ProviderKind? kind) => kind switch
    {
        ProviderKind.AzureOpenAI => "azure.ai.openai",
        ProviderKind.OpenRouter => "openrouter",
        ProviderKind.Ollama => "ollama",
        _ => "openai",
    };
}

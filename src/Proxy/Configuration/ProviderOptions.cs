namespace AiProxy.Configuration;

/// <summary>One upstream account or endpoint.</summary>
public sealed class ProviderOptions
{
    /// <summary>Gets or sets the API dialect: openai, azure-openai, openrouter, ollama or openai-compatible.</summary>
    public string? Type { get; set; }

    /// <summary>Gets or sets the base URL; for OpenAI-style APIs it includes <c>/v1</c>, for Azure it is the resource endpoint.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets the API keys: literals, <c>env:NAME</c> or <c>file:PATH</c>.</summary>
    public List<string>? Keys { get; set; }

    /// <summary>Gets or sets keys that only clients of a given priority class (or higher) may use, e.g. <c>{"Key":"env:PROD_KEY","ReservedFor":"critical"}</c>.</summary>
    public List<ReservedKeyOptions>? ReservedKeys { get; set; }

    /// <summary>Gets or sets the share (0..1) of this provider's key capacity kept for <c>critical</c> clients; lower classes are refused first as it runs short.</summary>
    /// <value>Defaults to none: no priority shedding.</value>
    public double? CriticalReserve { get; set; }

    /// <summary>Gets or sets how a key is picked: round-robin, least-loaded or quota-aware.</summary>
    /// <value>Defaults to <c>quota-aware</c>.</value>
    public string? KeyStrategy { get; set; }

    /// <summary>Gets or sets per-key limits the upstream enforces, so traffic moves off a key before it is throttled.</summary>
    public ProviderLimitOptions? Limits { get; set; }

    /// <summary>Gets or sets the Azure <c>api-version</c> (or <c>v1</c> for Azure's v1 API).</summary>
    /// <value>Defaults to <c>2024-10-21</c>.</value>
    public string? ApiVersion { get; set; }

    /// <summary>Gets or sets Azure deployment names by model name.</summary>
    public Dictionary<string, string>? Deployments { get; set; }

    /// <summary>Gets or sets extra headers sent to this provider (e.g. OpenRouter's <c>HTTP-Referer</c>, <c>X-Title</c>).</summary>
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>Gets or sets the idle timeout of an upstream call: no byte for this long fails it.</summary>
    /// <value>Defaults to 5 minutes (reasoning models can think for minutes before the first byte).</value>
    public string? Timeout { get; set; }

    /// <summary>Gets or sets how long a key stays out after a billing answer (429 <c>insufficient_quota</c>, 402 out of credits), unlike a throughput 429's retry-after cooldown.</summary>
    /// <value>Defaults to 1 hour.</value>
    public string? QuotaCooldown { get; set; }

    /// <summary>Gets or sets the weight of this provider under <c>Balance: weighted</c>.</summary>
    public int? Weight { get; set; }
}

/// <summary>Per-key upstream limits.</summary>
public sealed class ProviderLimitOptions
{
    /// <summary>Gets or sets requests per minute allowed per key.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets tokens per minute allowed per key.</summary>
    public int? TokensPerMinute { get; set; }
}

/// <summary>A provider key kept for one priority class and the classes above it.</summary>
public sealed class ReservedKeyOptions
{
    /// <summary>Gets or sets the key: a literal, <c>env:NAME</c> or <c>file:PATH</c>.</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the lowest class that may use the key: critical, high, normal or low.</summary>
    /// <value>Defaults to <c>critical</c>.</value>
    public string? ReservedFor { get; set; }
}

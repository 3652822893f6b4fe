namespace AiProxy.Configuration;

/// <summary>A client (app or team) of the proxy.</summary>
public sealed class ClientOptions
{
    /// <summary>Gets or sets the client's keys: literals, <c>env:NAME</c> or <c>file:PATH</c>.</summary>
    public List<string>? Keys { get; set; }

    /// <summary>Gets or sets the client's limits.</summary>
    public ClientRateLimitOptions? RateLimit { get; set; }

    /// <summary>Gets or sets model globs this client may use; absent means all.</summary>
    public List<string>? AllowedModels { get; set; }
}

/// <summary>Request, token and concurrency limits of one client.</summary>
public sealed class ClientRateLimitOptions
{
    /// <summary>Gets or sets requests per minute.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets tokens per minute (estimated before, settled after each request).</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Gets or sets the most requests in flight at once.</summary>
    public int? MaxConcurrent { get; set; }
}

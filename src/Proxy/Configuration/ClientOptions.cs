namespace AiProxy.Configuration;

/// <summary>A client (app or team) of the proxy.</summary>
public sealed class ClientOptions
{
    /// <summary>Gets or sets the client's keys: literals, <c>env:NAME</c> or <c>file:PATH</c>.</summary>
    public List<string>? Keys { get; set; }

    /// <summary>Gets or sets the client's limits.</summary>
    public ClientRateLimitOptions? RateLimit { get; set; }

    /// <summary>Gets or sets the client's daily and monthly token and USD budgets.</summary>
    public ClientBudgetOptions? Budget { get; set; }

    /// <summary>Gets or sets the client's priority class: critical, high, normal or low.</summary>
    /// <value>Defaults to <c>normal</c>.</value>
    public string? Priority { get; set; }

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

    /// <summary>Gets or sets requests per calendar hour (in the budget's <c>ResetTimeZone</c>).</summary>
    public int? RequestsPerHour { get; set; }

    /// <summary>Gets or sets requests per calendar day (in the budget's <c>ResetTimeZone</c>).</summary>
    public int? RequestsPerDay { get; set; }
}

/// <summary>Spend limits of one client over calendar days and months; each is optional.</summary>
public sealed class ClientBudgetOptions
{
    /// <summary>Gets or sets the tokens (prompt + completion) allowed per calendar day.</summary>
    public long? TokensPerDay { get; set; }

    /// <summary>Gets or sets the tokens allowed per calendar month.</summary>
    public long? TokensPerMonth { get; set; }

    /// <summary>Gets or sets the USD allowed per calendar day, priced with <c>AiProxy:Prices</c>.</summary>
    public double? UsdPerDay { get; set; }

    /// <summary>Gets or sets the USD allowed per calendar month, priced with <c>AiProxy:Prices</c>.</summary>
    public double? UsdPerMonth { get; set; }

    /// <summary>Gets or sets the IANA time zone whose midnight starts a day (and whose 1st starts a month).</summary>
    /// <value>Defaults to <c>UTC</c>.</value>
    public string? ResetTimeZone { get; set; }
}

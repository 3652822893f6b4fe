using Microsoft.AspNetCore.Http;

namespace AiProxy.MockUpstream;

/// <summary>What the mock will do for one request: options, then headers, then a <c>status-NNN</c> key, then the script hook.</summary>
internal sealed class ResponsePlan
{
    public int Status = 200;
    public string? ErrorMessage;
    public string? ErrorType;
    public string? ErrorCode;
    public string? RetryAfter;
    public string? RetryAfterMs;
    public TimeSpan Delay;
    public TimeSpan ChunkDelay;
    public TimeSpan FirstEventDelay;
    public int Chunks;
    public int? AbortAfterChunks;
    public int? ErrorAfterChunks;
    public string? Content;
    public byte[]? Body;
    public string? ContentType;
    public IReadOnlyDictionary<string, string>? ExtraHeaders;
    public string? LimitRequests;
    public string? LimitTokens;
    public string? RemainingRequests;
    public string? RemainingTokens;
    public string? ResetRequests;
    public string? ResetTokens;

    public bool IsError => Status >= 400;

    public static ResponsePlan Create(MockUpstreamOptions options, IHeaderDictionary headers, MockRequest? request)
    {
        var plan = new ResponsePlan { Chunks = options.Chunks, ChunkDelay = options.ChunkDelay, Delay = options.Delay };
        if (options.FailRate > 0 && Random.Shared.NextDouble() < options.FailRate) plan.Status = 500;

        // Load tests send none of these; one lookup tells whether any x-mock-* header is present.
        if (HasMockHeaders(headers)) plan.ApplyHeaders(headers);

        if (StatusFromKey(headers) is { } keyStatus) plan.Status = keyStatus;
        else if (options.ApiKeys.Count > 0 && !HasValidKey(headers, options.ApiKeys))
        {
            plan.Status = 401;
            plan.ErrorCode = "invalid_api_key";
            plan.ErrorMessage = "Incorrect API key provided. The mock upstream accepts only its configured keys.";
        }

        if (request is not null && options.Behavior?.Invoke(request) is { } b) plan.Apply(b);
        return plan;
    }

    private static bool HasMockHeaders(IHeaderDictionary headers)
    {
        foreach (var h in headers)
        {
            if (h.Key.StartsWith("x-mock-", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private void ApplyHeaders(IHeaderDictionary h)
    {
        if (Int(h, MockHeaders.Status) is { } status and >= 100 and <= 999) Status = status;
        RetryAfter = Str(h, MockHeaders.RetryAfter) ?? RetryAfter;
        RetryAfterMs = Str(h, MockHeaders.RetryAfterMs) ?? RetryAfterMs;
        if (Int(h, MockHeaders.DelayMs) is { } delay and >= 0) Delay = TimeSpan.FromMilliseconds(delay);
        if (Int(h, MockHeaders.Chunks) is { } chunks and > 0) Chunks = chunks;
        if (Int(h, MockHeaders.ChunkDelayMs) is { } cd and >= 0) ChunkDelay = TimeSpan.FromMilliseconds(cd);
        if (Int(h, MockHeaders.FirstEventDelayMs) is { } fd and >= 0) FirstEventDelay = TimeSpan.FromMilliseconds(fd);
        if (Int(h, MockHeaders.AbortAfterChunks) is { } abort and >= 0) AbortAfterChunks = abort;
        if (Int(h, MockHeaders.ErrorAfterChunks) is { } err and >= 0) ErrorAfterChunks = err;
        Content = Str(h, MockHeaders.Content) ?? Content;
        LimitRequests = Str(h, MockHeaders.RateLimitLimitRequests);
        LimitTokens = Str(h, MockHeaders.RateLimitLimitTokens);
        RemainingRequests = Str(h, MockHeaders.RateLimitRemainingRequests);
        RemainingTokens = Str(h, MockHeaders.RateLimitRemainingTokens);
        ResetRequests = Str(h, MockHeaders.RateLimitResetRequests);
        ResetTokens = Str(h, MockHeaders.RateLimitResetTokens);
    }

    private void Apply(MockBehavior b)
    {
        if (b.StatusCode is { } s) Status = s;
        ErrorMessage = b.ErrorMessage ?? ErrorMessage;
        ErrorType = b.ErrorType ?? ErrorType;
        ErrorCode = b.ErrorCode ?? ErrorCode;
        RetryAfter = b.RetryAfter ?? RetryAfter;
        RetryAfterMs = b.RetryAfterMs ?? RetryAfterMs;
        Delay = b.Delay ?? Delay;
        Chunks = b.Chunks is > 0 ? b.Chunks.Value : Chunks;
        ChunkDelay = b.ChunkDelay ?? ChunkDelay;
        FirstEventDelay = b.FirstEventDelay ?? FirstEventDelay;
        AbortAfterChunks = b.AbortAfterChunks ?? AbortAfterChunks;
        ErrorAfterChunks = b.ErrorAfterChunks ?? ErrorAfterChunks;
        Content = b.Content ?? Content;
        Body = b.Body ?? Body;
        ContentType = b.ContentType ?? ContentType;
        ExtraHeaders = b.Headers ?? ExtraHeaders;
    }

    /// <summary>A key such as <c>sk-mock-status-429</c> always gets that status, so key-rotation tests can have one bad key.</summary>
    private static int? StatusFromKey(IHeaderDictionary headers)
    {
        var key = headers.Authorization.ToString();
        if (key.Length == 0) key = headers["api-key"].ToString();
        var at = key.IndexOf("status-", StringComparison.OrdinalIgnoreCase);
        if (at < 0 || key.Length < at + 10) return null;
        return int.TryParse(key.AsSpan(at + 7, 3), out var status) && status is >= 100 and <= 999 ? status : null;
    }

    private static bool HasValidKey(IHeaderDictionary headers, IList<string> keys)
    {
        var auth = headers.Authorization.ToString();
        var key = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : headers["api-key"].ToString();
        return key.Length > 0 && keys.Contains(key);
    }

    private static string? Str(IHeaderDictionary h, string name)
    {
        var v = h[name];
        return v.Count == 0 ? null : v.ToString();
    }

    private static int? Int(IHeaderDictionary h, string name)
        => Str(h, name) is { } s && int.TryParse(s, out var v) ? v : null;
}

namespace AiProxy.RateLimiting;

/// <summary>The values of one <c>x-ratelimit-*-requests</c> or <c>x-ratelimit-*-tokens</c> header trio.</summary>
/// <param name="Limit">The configured limit per minute.</param>
/// <param name="Remaining">What is left in the current sliding window, after this request's reservation.</param>
/// <param name="Reset">Time until the window is empty again (the limit back to its initial state), as OpenAI defines it.</param>
public readonly record struct RateLimitCounter(long Limit, long Remaining, TimeSpan Reset);

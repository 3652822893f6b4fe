using AiProxy.Transforms.Keys;

namespace AiProxy.Upstream;

/// <summary>
/// The retry decisions of an attempt, free of I/O: what is worth another attempt, and whether the next one switches
/// provider at once or backs off. Retries happen only before the first byte reaches the client.
/// </summary>
internal static class UpstreamRetryRules
{
    /// <summary>Returns whether another attempt may follow this one (attempt budget and deadline).</summary>
    public static bool MayRetry(int attempt, int maxAttempts, TimeSpan elapsed, TimeSpan deadline)
        => attempt < maxAttempts && elapsed < deadline;

    /// <summary>Returns whether an upstream status is worth another attempt.</summary>
    /// <param name="status">The upstream status.</param>
    /// <param name="error">What the answer says about the key (<see cref="KeyErrorClassifier"/>).</param>
    /// <param name="hasAlternative">Whether the route has another provider or the provider another key.</param>
    public static bool IsRetryable(int status, KeyErrorKind error, bool hasAlternative) => status switch
    {
        408 or 500 or 502 or 503 or 504 => true,
        // A key-specific answer is worth retrying only where another key or provider exists; otherwise the
        // upstream's own answer (with its retry-after and request id) is the most useful thing to pass on.
        // A 403 about the model, region or project would be the same on every key: it goes back to the client.
        402 or 429 or 401 or 403 => hasAlternative && error is KeyErrorKind.KeyRejected or KeyErrorKind.Throttled or KeyErrorKind.QuotaExhausted,
        _ => false,
    };

    /// <summary>Returns whether a status means the provider (not just the key) failed, so the next attempt prefers another.</summary>
    public static bool IsProviderFailure(int status) => status >= 500 || status == 408;

    /// <summary>Returns whether an attempt that got no answer (connect error, timeout) is retried.</summary>
    /// <remarks>Never once the response started, and never for the client's own cancellation, which is not a failure.</remarks>
    public static bool RetryAfterError(bool clientAborted, bool retryAllowed, bool responseStarted)
        => !clientAborted && retryAllowed && !responseStarted;

    /// <summary>Returns how the retry after a provider failure runs: at once on an untried provider, else after a backoff.</summary>
    public static AttemptOutcome AfterProviderFailure(bool hasUntriedProvider)
        => hasUntriedProvider ? AttemptOutcome.RetrySwitch : AttemptOutcome.RetryBackoff;

    /// <summary>Returns whether the retry strategy runs another attempt for an outcome.</summary>
    public static bool IsRetry(AttemptOutcome outcome) => outcome is AttemptOutcome.RetrySwitch or AttemptOutcome.RetryBackoff;
}

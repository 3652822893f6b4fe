namespace AiProxy.Upstream;

/// <summary>What one upstream attempt ended with, as the retry strategy sees it.</summary>
internal enum AttemptOutcome
{
    /// <summary>The response went to the client (success or a final error).</summary>
    Done,

    /// <summary>Retry at once on another key or provider (429, 401/403, or a provider that failed while others remain).</summary>
    RetrySwitch,

    /// <summary>Retry after a jittered backoff (the only providers left are ones that just failed).</summary>
    RetryBackoff,

    /// <summary>No provider or key could take the request.</summary>
    NoCandidate,
}

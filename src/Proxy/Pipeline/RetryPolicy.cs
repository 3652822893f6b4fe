using AiProxy.Configuration;
using Polly;
using Polly.Retry;

namespace AiProxy.Pipeline;

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

/// <summary>The compiled retry/fallback settings of a config snapshot: a Polly pipeline plus the attempt budget.</summary>
internal sealed class RetryPolicy
{
    public RetryPolicy(RetryOptions? options, TimeProvider time)
    {
        MaxAttempts = options?.MaxAttempts ?? 4;
        Deadline = Duration.TryParse(options?.Deadline, out var deadline) ? deadline : TimeSpan.FromSeconds(30);
        var baseDelay = Duration.TryParse(options?.BaseDelay, out var d) ? d : TimeSpan.FromMilliseconds(100);

        var builder = new ResiliencePipelineBuilder<AttemptOutcome> { TimeProvider = time };
        if (MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptOutcome>
            {
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay,
                MaxDelay = TimeSpan.FromSeconds(2),
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Result is AttemptOutcome.RetrySwitch or AttemptOutcome.RetryBackoff),
                // Another key or provider is a fresh start: no reason to wait. Same provider again: back off.
                DelayGenerator = static args => new ValueTask<TimeSpan?>(args.Outcome.Result == AttemptOutcome.RetrySwitch ? TimeSpan.Zero : null),
            });
        }
        Pipeline = builder.Build();
    }

    public int MaxAttempts { get; }

    /// <summary>Gets the time after which no new attempt starts.</summary>
    public TimeSpan Deadline { get; }

    public ResiliencePipeline<AttemptOutcome> Pipeline { get; }
}

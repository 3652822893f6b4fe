using AiProxy.Configuration;
using Polly;
using Polly.Retry;

namespace AiProxy.Upstream;

/// <summary>The compiled retry/fallback settings of a config snapshot: a Polly pipeline plus the attempt budget.</summary>
internal sealed class RetryPolicy
{
    public RetryPolicy(RetryOptions? options, TimeProvider time)
    {
        MaxAttempts = options?.MaxAttempts ?? 4;
        Deadline = Duration.TryParse(options?.Deadline, out var deadline) ? deadline : TimeSpan.FromSeconds(30);
        FirstEventTimeout = Duration.TryParse(options?.FirstEventTimeout, out var hold) ? hold : TimeSpan.FromSeconds(5);
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
                ShouldHandle = static args => new ValueTask<bool>(UpstreamRetryRules.IsRetry(args.Outcome.Result)),
                // Another key or provider is a fresh start: no reason to wait. Same provider again: back off.
                DelayGenerator = static args => new ValueTask<TimeSpan?>(args.Outcome.Result == AttemptOutcome.RetrySwitch ? TimeSpan.Zero : null),
            });
        }
        Pipeline = builder.Build();
    }

    public int MaxAttempts { get; }

    /// <summary>Gets the time after which no new attempt starts.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>Gets how long a retryable stream is held for its first event (zero: not held).</summary>
    public TimeSpan FirstEventTimeout { get; }

    public ResiliencePipeline<AttemptOutcome> Pipeline { get; }
}

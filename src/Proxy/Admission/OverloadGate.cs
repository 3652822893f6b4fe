using System.Threading.RateLimiting;
using AiProxy.Configuration;

namespace AiProxy.Admission;

/// <summary>
/// The bound on concurrent <c>/v1</c> requests: a BCL <see cref="ConcurrencyLimiter"/> with a bounded, oldest-first
/// queue. Sized from <c>AiProxy:Overload</c> at start-up.
/// </summary>
internal sealed class OverloadGate : IDisposable
{
    public const int DefaultMaxConcurrent = 1000;
    public const int DefaultQueueLimit = 200;
    public static readonly TimeSpan DefaultQueueTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrencyLimiter _limiter;

    public OverloadGate(OverloadOptions? options)
    {
        MaxConcurrent = options?.MaxConcurrent ?? DefaultMaxConcurrent;
        QueueLimit = options?.QueueLimit ?? DefaultQueueLimit;
        QueueTimeout = Duration.TryParse(options?.QueueTimeout, out var timeout) && timeout > TimeSpan.Zero ? timeout : DefaultQueueTimeout;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = MaxConcurrent,
            QueueLimit = QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int MaxConcurrent { get; }

    public int QueueLimit { get; }

    public TimeSpan QueueTimeout { get; }

    /// <summary>A permit now, or a failed lease (no waiting).</summary>
    public RateLimitLease TryEnter() => _limiter.AttemptAcquire(1);

    /// <summary>Waits in the queue; a failed lease at once when the queue is full; cancels on <paramref name="cancellationToken"/>.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}

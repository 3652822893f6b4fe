using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Embeds one prompt under a time budget: past the budget, on failure or when the caller gives up, the answer is
/// "no vector" (a cache miss) — never an exception and never a wait beyond the budget. Concurrent requests for the
/// same text share one embedding (single flight), and at most <c>maxConcurrency</c> embeddings run at once so a
/// burst cannot queue unbounded CPU work behind requests that have already given up.
/// </summary>
internal sealed class BudgetedEmbedder
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;
    private readonly TimeSpan _budget;
    private readonly TimeSpan _flightLimit;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemanticCacheMetrics? _metrics;
    private readonly SemaphoreSlim _gate;
    private readonly ConcurrentDictionary<string, Task<float[]?>> _inFlight = new(StringComparer.Ordinal);

    public BudgetedEmbedder(
        IEmbeddingGenerator<string, Embedding<float>> inner,
        TimeSpan budget,
        TimeProvider timeProvider,
        ILogger<BudgetedEmbedder> logger,
        SemanticCacheMetrics? metrics = null,
        int maxConcurrency = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        _inner = inner;
        _budget = budget;

        // A flight nobody waits for any more still ends: the model load (first call) is allowed ~10 s.
        _flightLimit = TimeSpan.FromTicks(Math.Max(budget.Ticks * 20, TimeSpan.FromSeconds(10).Ticks));
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _gate = new SemaphoreSlim(maxConcurrency > 0 ? maxConcurrency : Environment.ProcessorCount);
    }

    /// <summary>Gets the number of embeddings currently running or waiting for a slot.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Returns the unit-length vector of <paramref name="text"/>, or the reason there is none, within the budget.</summary>
    public async ValueTask<EmbeddingOutcome> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        Task<float[]?> flight;
        while (true)
        {
            if (_inFlight.TryGetValue(text, out var existing))
            {
                flight = existing;
                break;
            }

            // Created unstarted so that only the task that wins the insert ever runs.
            var candidate = new Task<Task<float[]?>>(static state => ((Flight)state!).RunAsync(), new Flight(this, text));
            var unwrapped = candidate.Unwrap();
            if (_inFlight.TryAdd(text, unwrapped))
            {
                flight = unwrapped;
                candidate.Start(TaskScheduler.Default);
                break;
            }
        }

        try
        {
            var vector = await flight.WaitAsync(_budget, _timeProvider, cancellationToken).ConfigureAwait(false);
            Record(started, vector is null ? "failed" : "ok");
            return vector is null ? EmbeddingOutcome.Failed : new EmbeddingOutcome(vector, null);
        }
        catch (TimeoutException)
        {
            Record(started, "timeout");
            Log.EmbeddingOverBudget(_logger, _budget.TotalMilliseconds);
            return EmbeddingOutcome.Timeout;
        }
        catch (OperationCanceledException)
        {
            Record(started, "canceled");
            return EmbeddingOutcome.Timeout;
        }
    }

    private void Record(long started, string outcome) => _metrics?.EmbeddingDuration(_timeProvider.GetElapsedTime(started), outcome);

    private sealed class Flight(BudgetedEmbedder owner, string text)
    {
        public async Task<float[]?> RunAsync()
        {
            using var cts = new CancellationTokenSource(owner._flightLimit, owner._timeProvider);
            var entered = false;
            try
            {
                // Waiting longer than the budget for a slot is pointless: every waiter has given up by then.
                entered = await owner._gate.WaitAsync(owner._budget, cts.Token).ConfigureAwait(false);
                if (!entered)
                {
                    return null;
                }

                var generated = await owner._inner.GenerateAsync([text], cancellationToken: cts.Token).ConfigureAwait(false);
                if (generated.Count != 1)
                {
                    return null;
                }

                var vector = generated[0].Vector.ToArray();
                var norm = TensorPrimitives.Norm<float>(vector);
                if (!float.IsFinite(norm) || norm <= 0)
                {
                    return null;
                }

                if (Math.Abs(norm - 1f) > 1e-3f)
                {
                    TensorPrimitives.Divide(vector, norm, vector);
                }

                return vector;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.EmbeddingFailed(owner._logger, ex.GetType().Name);
                return null;
            }
            finally
            {
                if (entered)
                {
                    owner._gate.Release();
                }

                owner._inFlight.TryRemove(text, out _);
            }
        }
    }
}

using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AiProxy.RateLimiting;

internal sealed partial class ClientRateLimiter
{
    private readonly ConcurrentDictionary<string, ClientKeys> _keys = new(StringComparer.Ordinal);
    private readonly string _keyPrefix;
    private readonly string _instancePrefix;
    private long _sequence;

    private async ValueTask<RateLimitDecision> AcquireRedisAsync(IDatabase db, string clientId, ClientRateLimit limits, long estimatedTokens, long nowMs,
        CancellationToken cancellationToken)
    {
        var keys = KeysFor(clientId);
        // Unique across replicas: a random per-process prefix plus a local sequence.
        var id = _instancePrefix + Interlocked.Increment(ref _sequence).ToString("x");
        RedisValue[] args =
        [
            nowMs,
            WindowMs,
            limits.RequestsPerMinute ?? -1,
            limits.TokensPerMinute ?? -1,
            limits.MaxConcurrent ?? -1,
            estimatedTokens,
            id,
            (long)Options.ConcurrencyLeaseTimeout.TotalMilliseconds,
        ];

        RedisResult[] result;
        var script = db.ScriptEvaluateAsync(RedisScripts.Acquire, keys.Acquire, args);
        try
        {
            var raw = await script.WaitAsync(Options.RedisOperationTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            result = (RedisResult[])raw!;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A timed-out script may still run later: its reservation then counts against the client until it leaves the
            // window (conservative, never over the limit). Observe its eventual fault so it is not reported as unobserved.
            ObserveLater(script);
            // Timeouts, connection loss and script errors all mean "decide locally"; a Redis fault never fails a request.
            _redis!.Failed(nowMs, ex.GetType().Name);
            return AcquireFallback(clientId, limits, estimatedTokens, nowMs);
        }

        _redis!.Succeeded();
        var denied = (RateLimitKind)(int)(long)result[0];
        var retryAfterMs = denied == RateLimitKind.Concurrency ? (long)Options.ConcurrencyRetryAfter.TotalMilliseconds : (long)result[1];
        var decision = new RateLimitDecision
        {
            DeniedBy = denied,
            RetryAfter = TimeSpan.FromMilliseconds(Math.Max(0, retryAfterMs)),
            Requests = limits.RequestsPerMinute is { } rpm ? Counter(rpm, (long)result[2], (long)result[3], nowMs) : null,
            Tokens = limits.TokensPerMinute is { } tpm ? Counter(tpm, (long)result[4], (long)result[5], nowMs) : null,
        };
        if (denied == RateLimitKind.None)
        {
            var tracksTokens = limits.TokensPerMinute is not null;
            decision = decision with
            {
                Lease = new RedisLease(this, db, clientId, keys, id, tracksTokens && estimatedTokens > 0 ? estimatedTokens : 0, tracksTokens,
                    limits.MaxConcurrent is not null),
            };
        }
        return Complete(clientId, limits, decision);
    }

    private static void ObserveLater(Task task)
    {
        if (!task.IsCompleted)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private static RateLimitCounter Counter(long limit, long used, long newestMs, long nowMs) =>
        new(limit, Math.Max(0, limit - used), used <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(0, newestMs + WindowMs - nowMs)));

    private ClientKeys KeysFor(string clientId) =>
        _keys.TryGetValue(clientId, out var keys) ? keys : _keys.GetOrAdd(clientId, static (id, prefix) => new ClientKeys(prefix, id), _keyPrefix);

    /// <summary>The Redis keys of one client, built once; the shared <c>{client}</c> hash tag keeps them in one Cluster slot.</summary>
    private sealed class ClientKeys
    {
        public ClientKeys(string prefix, string clientId)
        {
            // Braces inside the id would end the hash tag early and split the keys across slots.
            var tag = prefix + "{" + clientId.Replace('{', '_').Replace('}', '_') + "}:";
            RedisKey tokens = tag + "tok";
            RedisKey amounts = tag + "tokamt";
            Concurrency = tag + "conc";
            Acquire = [tag + "req", tokens, amounts, Concurrency];
            Settle = [tokens, amounts];
        }

        public RedisKey[] Acquire { get; }

        public RedisKey[] Settle { get; }

        public RedisKey Concurrency { get; }
    }

    private sealed class RedisLease(ClientRateLimiter owner, IDatabase db, string clientId, ClientKeys keys, string id, long reserved, bool tracksTokens,
        bool holdsSlot) : IRateLimitLease
    {
        private int _settled;
        private int _disposed;

        public async ValueTask SettleAsync(long actualTokens, CancellationToken cancellationToken = default)
        {
            if (!tracksTokens || Interlocked.Exchange(ref _settled, 1) != 0) return;
            RedisValue[] args = [owner.NowMs(), WindowMs, id, reserved, Math.Max(0, actualTokens)];
            var script = db.ScriptEvaluateAsync(RedisScripts.Settle, keys.Settle, args);
            try
            {
                await script.WaitAsync(owner.Options.RedisOperationTimeout, owner._timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Cancellation included: settle runs at the end of a request that may already be aborted, and must not throw there.
                ObserveLater(script);
                // The reservation stays at the estimate and leaves the window on its own: settling is best effort.
                Log.SettleFailed(owner._logger, clientId, ex.GetType().Name);
            }
        }

        public void Dispose()
        {
            if (!holdsSlot || Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                db.SortedSetRemove(keys.Concurrency, id, CommandFlags.FireAndForget);
            }
            catch (Exception ex)
            {
                // The slot carries an expiry (ConcurrencyLeaseTimeout), so a lost release heals itself.
                Log.ReleaseFailed(owner._logger, clientId, ex.GetType().Name);
            }
        }
    }
}

using System.Collections.Concurrent;

namespace AiProxy.RateLimiting;

/// <summary>
/// Last known quota and usage per client, written by every decision and read by the observable gauges. Usage is the
/// value seen at the last decision and drops to zero once that window would have emptied, so an idle client does not
/// report stale pressure forever.
/// </summary>
internal sealed class ClientUsageTracker(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Record(string clientId, ClientRateLimit limits, in RateLimitDecision decision)
    {
        if (limits.RequestsPerMinute is null && limits.TokensPerMinute is null) return;
        var entry = _entries.GetOrAdd(clientId, static _ => new Entry());
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        Update(ref entry.Requests, limits.RequestsPerMinute, decision.Requests, now);
        Update(ref entry.Tokens, limits.TokensPerMinute, decision.Tokens, now);
    }

    public IEnumerable<(string ClientId, long Quota, long Used)> Snapshot(bool tokens)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (clientId, entry) in _entries)
        {
            var state = tokens ? entry.Tokens : entry.Requests;
            if (state.Quota < 0) continue;
            yield return (clientId, state.Quota, now >= state.ResetAtMs ? 0 : state.Used);
        }
    }

    private static void Update(ref State state, int? quota, RateLimitCounter? counter, long nowMs)
    {
        // Torn reads between these fields only skew one scrape; a lock here would serialize every request of the client.
        state = quota is null || counter is not { } c
            ? new State(-1, 0, 0)
            : new State(quota.Value, Math.Max(0, c.Limit - c.Remaining), nowMs + (long)c.Reset.TotalMilliseconds);
    }

    private sealed class Entry
    {
        public State Requests = new(-1, 0, 0);
        public State Tokens = new(-1, 0, 0);
    }

    private readonly record struct State(long Quota, long Used, long ResetAtMs);
}

namespace AiProxy.RateLimiting.Budgets;

/// <summary>
/// Lua for the shared budgets; each script runs atomically, so replicas together admit exactly what the budget allows.
/// One HASH per client and calendar window (<c>prefix{client}:b:d20261130</c>) with fields <c>r</c> (requests), <c>t</c>
/// (tokens) and <c>u</c> (nano-dollars): settled spend plus open reservations. Keys expire a day after their window ends,
/// so spend survives restarts and old windows clean themselves up.
/// </summary>
internal static class BudgetScripts
{
    /// <summary>KEYS: the window hashes. ARGV: estRequests, estTokens, estNanoUsd, then per key limitR, limitT, limitU (-1 = none), ttlMs.
    /// Returns {denied (0, else 3 * keyIndex + unit + 1), then r, t, u per key: after the reservation, or as found when denied}.</summary>
    public const string Reserve = """
        local est = {tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])}
        local fields = {'r', 't', 'u'}
        local n = #KEYS
        local used = {}
        local denied = 0
        for i = 1, n do
          local vals = redis.call('HMGET', KEYS[i], 'r', 't', 'u')
          for j = 1, 3 do
            local v = tonumber(vals[j]) or 0
            used[(i - 1) * 3 + j] = v
            local lim = tonumber(ARGV[3 + (i - 1) * 4 + j])
            if denied == 0 and lim >= 0 and v >= lim then denied = (i - 1) * 3 + j end
          end
        end
        if denied == 0 then
          for i = 1, n do
            for j = 1, 3 do
              if est[j] ~= 0 then used[(i - 1) * 3 + j] = redis.call('HINCRBY', KEYS[i], fields[j], est[j]) end
            end
            redis.call('PEXPIRE', KEYS[i], ARGV[3 + (i - 1) * 4 + 4])
          end
        end
        local out = {denied}
        for k = 1, 3 * n do out[k + 1] = used[k] end
        return out
        """;

    /// <summary>KEYS: the window hashes the request was reserved in. ARGV: tokenDelta, nanoUsdDelta (actual minus reserved).
    /// A window already expired is left alone rather than recreated without a TTL. Returns r, t, u per key after settling
    /// (zeros for an expired window), for the gauges.</summary>
    public const string Settle = """
        local out = {}
        for i = 1, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 1 then
            if ARGV[1] ~= '0' then redis.call('HINCRBY', KEYS[i], 't', ARGV[1]) end
            if ARGV[2] ~= '0' then redis.call('HINCRBY', KEYS[i], 'u', ARGV[2]) end
          end
          local vals = redis.call('HMGET', KEYS[i], 'r', 't', 'u')
          for j = 1, 3 do out[(i - 1) * 3 + j] = tonumber(vals[j]) or 0 end
        end
        return out
        """;

    /// <summary>KEYS: the window hashes of the client's current windows. Returns r, t, u per key (zeros when absent); reserves nothing.</summary>
    public const string Peek = """
        local out = {}
        for i = 1, #KEYS do
          local vals = redis.call('HMGET', KEYS[i], 'r', 't', 'u')
          for j = 1, 3 do out[(i - 1) * 3 + j] = tonumber(vals[j]) or 0 end
        end
        return out
        """;
}

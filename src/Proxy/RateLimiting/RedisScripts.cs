namespace AiProxy.RateLimiting;

/// <summary>
/// Lua scripts for the shared limits; each runs atomically on the server, so every replica sees the same counts and together
/// they admit exactly the configured limit. Time is the caller's <see cref="TimeProvider"/> in Unix milliseconds (ARGV), not
/// Redis <c>TIME</c>, so tests can drive it; replicas are expected to run NTP, and a skew of a few milliseconds only shifts
/// when an entry leaves the window.
/// </summary>
/// <remarks>
/// Keys of one client (all share the <c>{client}</c> hash tag, so Redis Cluster keeps them in one slot):
/// <c>:req</c> ZSET lease id → time (sliding-window log of requests); <c>:tok</c> ZSET lease id → time and <c>:tokamt</c>
/// HASH lease id → reserved tokens plus field <c>sum</c> (sliding-window log of token reservations, adjustable by settle);
/// <c>:conc</c> ZSET lease id → expiry time (in-flight requests; expiry only matters when a replica died without releasing).
/// </remarks>
internal static class RedisScripts
{
    /// <summary>KEYS: req, tok, tokamt, conc. ARGV: now, window, rpm, tpm, maxConcurrent (-1 = none), estimate, id, leaseTtl.
    /// Returns {denied (0 none, 1 requests, 2 tokens, 3 concurrency), retryAfterMs, requestCount, newestRequest, tokenSum, newestToken}.</summary>
    public const string Acquire = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local rpm = tonumber(ARGV[3])
        local tpm = tonumber(ARGV[4])
        local maxc = tonumber(ARGV[5])
        local est = tonumber(ARGV[6])
        local id = ARGV[7]
        local leaseTtl = tonumber(ARGV[8])
        local cutoff = now - window

        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
        while true do
          local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff, 'LIMIT', 0, 500)
          if #expired == 0 then break end
          local amounts = redis.call('HMGET', KEYS[3], unpack(expired))
          local freed = 0
          for i = 1, #amounts do freed = freed + (tonumber(amounts[i]) or 0) end
          redis.call('HDEL', KEYS[3], unpack(expired))
          redis.call('ZREM', KEYS[2], unpack(expired))
          redis.call('HINCRBY', KEYS[3], 'sum', -freed)
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)

        local reqCount = redis.call('ZCARD', KEYS[1])
        local tokSum = tonumber(redis.call('HGET', KEYS[3], 'sum') or '0')
        local denied = 0
        local retry = 0
        if maxc >= 0 and redis.call('ZCARD', KEYS[4]) >= maxc then
          denied = 3
        elseif rpm >= 0 and reqCount >= rpm then
          denied = 1
          retry = window
          if rpm > 0 then
            local e = redis.call('ZRANGE', KEYS[1], reqCount - rpm, reqCount - rpm, 'WITHSCORES')
            retry = tonumber(e[2]) + window - now
          end
        elseif tpm >= 0 and tokSum + est > tpm then
          denied = 2
          retry = window
          if est <= tpm then
            local freed = 0
            local start = 0
            local found = false
            while not found do
              local batch = redis.call('ZRANGE', KEYS[2], start, start + 199, 'WITHSCORES')
              if #batch == 0 then break end
              local ids = {}
              for i = 1, #batch, 2 do ids[#ids + 1] = batch[i] end
              local amounts = redis.call('HMGET', KEYS[3], unpack(ids))
              for i = 1, #ids do
                freed = freed + (tonumber(amounts[i]) or 0)
                if tokSum - freed + est <= tpm then
                  retry = tonumber(batch[2 * i]) + window - now
                  found = true
                  break
                end
              end
              start = start + 200
            end
          end
        end

        if denied == 0 then
          if rpm >= 0 then
            redis.call('ZADD', KEYS[1], ARGV[1], id)
            redis.call('PEXPIRE', KEYS[1], window)
            reqCount = reqCount + 1
          end
          if tpm >= 0 and est > 0 then
            redis.call('ZADD', KEYS[2], ARGV[1], id)
            redis.call('HSET', KEYS[3], id, est)
            tokSum = redis.call('HINCRBY', KEYS[3], 'sum', est)
            redis.call('PEXPIRE', KEYS[2], window)
            redis.call('PEXPIRE', KEYS[3], window)
          end
          if maxc >= 0 then
            redis.call('ZADD', KEYS[4], now + leaseTtl, id)
            redis.call('PEXPIRE', KEYS[4], leaseTtl)
          end
        end

        local reqNewest = 0
        if reqCount > 0 then
          local n = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
          if #n > 0 then reqNewest = tonumber(n[2]) end
        end
        local tokNewest = 0
        if tokSum > 0 then
          local n = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
          if #n > 0 then tokNewest = tonumber(n[2]) end
        end
        return {denied, retry, reqCount, reqNewest, tokSum, tokNewest}
        """;

    /// <summary>KEYS: tok, tokamt. ARGV: now, window, id, reserved, actual. Adjusts a reservation still in the window;
    /// one already out of it can only be charged (the extra is logged at now), never refunded.</summary>
    public const string Settle = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local id = ARGV[3]
        local reserved = tonumber(ARGV[4])
        local actual = tonumber(ARGV[5])
        local score = redis.call('ZSCORE', KEYS[1], id)
        if score and tonumber(score) > now - window then
          local cur = tonumber(redis.call('HGET', KEYS[2], id) or '0')
          redis.call('HSET', KEYS[2], id, actual)
          return redis.call('HINCRBY', KEYS[2], 'sum', actual - cur)
        end
        if actual > reserved then
          local extra = id .. ':s'
          redis.call('ZADD', KEYS[1], ARGV[1], extra)
          redis.call('HSET', KEYS[2], extra, actual - reserved)
          redis.call('HINCRBY', KEYS[2], 'sum', actual - reserved)
          redis.call('PEXPIRE', KEYS[1], window)
          redis.call('PEXPIRE', KEYS[2], window)
        end
        return 0
        """;
}

namespace AiProxy.Transforms.Keys;

internal sealed partial class KeyEntry
{
    // Every check below runs under _gate. A check that fails sets recoverAt; one that passes leaves it at long.MaxValue.
    private bool EvaluateLocked(long now, long tokens, PoolSettings settings, out double headroom, out long recoverAt)
    {
        headroom = 1;
        if (!IsUsableLocked(now, out recoverAt))
        {
            return false;
        }

        RollWindowLocked(now);
        if (!FitsLocalLimitsLocked(tokens, settings, ref headroom, out recoverAt))
        {
            return false;
        }

        if (settings.Strategy != KeyStrategy.QuotaAware)
        {
            return true;
        }

        return FitsUpstreamRequestsLocked(now, settings, ref headroom, out recoverAt)
            && FitsUpstreamTokensLocked(now, tokens, settings, ref headroom, out recoverAt);
    }

    /// <summary>Whether the key is neither disabled, cooling down, circuit-open nor waiting on its half-open probe.</summary>
    private bool IsUsableLocked(long now, out long recoverAt)
    {
        recoverAt = long.MaxValue;
        if (_disabled)
        {
            return false;
        }

        if (now < _cooldownUntil)
        {
            recoverAt = _cooldownUntil;
            return false;
        }

        if (_circuitOpen)
        {
            if (now < _openUntil)
            {
                recoverAt = _openUntil;
                return false;
            }

            if (_probeInFlight)
            {
                recoverAt = now + ProbeWaitTicks;
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts a new local one-minute window once the current one has passed.</summary>
    private void RollWindowLocked(long now)
    {
        if (now - _windowStart >= WindowTicks)
        {
            _windowStart = now;
            _windowRequests = 0;
            _windowTokens = 0;
        }
    }

    /// <summary>Checks the configured per-key requests/tokens per minute against the local window.</summary>
    private bool FitsLocalLimitsLocked(long tokens, PoolSettings settings, ref double headroom, out long recoverAt)
    {
        recoverAt = long.MaxValue;
        if (settings.RequestsPerMinute is int rpm)
        {
            if (_windowRequests >= rpm)
            {
                recoverAt = _windowStart + WindowTicks;
                return false;
            }

            headroom = Math.Min(headroom, (double)(rpm - _windowRequests) / rpm);
        }

        if (settings.TokensPerMinute is int tpm)
        {
            // An empty window admits one oversized request; otherwise it could never be served.
            if (_windowTokens > 0 && _windowTokens + tokens > tpm)
            {
                recoverAt = _windowStart + WindowTicks;
                return false;
            }

            headroom = Math.Min(headroom, Math.Max(0, (double)(tpm - _windowTokens - tokens) / tpm));
        }

        return true;
    }

    /// <summary>Checks the upstream's remaining-requests header (dropped once its reset time passes).</summary>
    private bool FitsUpstreamRequestsLocked(long now, PoolSettings settings, ref double headroom, out long recoverAt)
    {
        recoverAt = long.MaxValue;
        if (_remainingRequests >= 0 && now >= _resetRequestsAt)
        {
            _remainingRequests = -1;
        }

        if (_remainingRequests >= 0)
        {
            var left = _remainingRequests - _requestsSinceHeader;
            if (left < settings.MinRemainingRequests || left <= 0)
            {
                recoverAt = _resetRequestsAt;
                return false;
            }

            var limit = _limitRequests > 0 ? _limitRequests : settings.RequestsPerMinute ?? 0;
            if (limit > 0)
            {
                headroom = Math.Min(headroom, Math.Clamp((double)left / limit, 0, 1));
            }
        }

        return true;
    }

    /// <summary>Checks the upstream's remaining-tokens header (dropped once its reset time passes).</summary>
    private bool FitsUpstreamTokensLocked(long now, long tokens, PoolSettings settings, ref double headroom, out long recoverAt)
    {
        recoverAt = long.MaxValue;
        if (_remainingTokens >= 0 && now >= _resetTokensAt)
        {
            _remainingTokens = -1;
        }

        if (_remainingTokens >= 0)
        {
            var left = _remainingTokens - _tokensSinceHeader;
            if (left < Math.Max(tokens, 1))
            {
                recoverAt = _resetTokensAt;
                return false;
            }

            var limit = _limitTokens > 0 ? _limitTokens : settings.TokensPerMinute ?? 0;
            if (limit > 0)
            {
                headroom = Math.Min(headroom, Math.Clamp((double)(left - tokens) / limit, 0, 1));
            }
        }

        return true;
    }
}

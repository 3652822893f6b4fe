namespace AiProxy.Transforms.Keys;

internal sealed partial class KeyEntry
{
    /// <summary>Applies an upstream answer: headroom headers, 429 cooldown, quota cooldown, disable on a key rejection, breaker bookkeeping.</summary>
    /// <remarks><c>error</c> is what the answer says about the key (see <see cref="KeyErrorClassifier"/>).</remarks>
    public KeyOutcomeEvents OnResponse(long now, DateTimeOffset utcNow, int statusCode, KeyErrorKind error, in ResponseHeaderReader headers, bool isProbe,
        PoolSettings settings, out TimeSpan cooldown)
    {
        cooldown = TimeSpan.Zero;
        lock (_gate)
        {
            UpdateHeadroomLocked(now, headers);
            switch (error)
            {
                case KeyErrorKind.QuotaExhausted:
                    // Billing does not recover in seconds: a retry-after on such an answer is not to be trusted.
                    cooldown = TimeSpan.FromTicks(settings.QuotaCooldownTicks);
                    _cooldownUntil = Math.Max(_cooldownUntil, now + cooldown.Ticks);
                    return KeyOutcomeEvents.QuotaExhausted | BreakerSuccessLocked(isProbe);
                case KeyErrorKind.Throttled:
                    cooldown = CooldownFrom(headers, utcNow, settings);
                    _cooldownUntil = Math.Max(_cooldownUntil, now + cooldown.Ticks);
                    // A 429 proves the upstream is alive, so it counts as a breaker success.
                    return KeyOutcomeEvents.CoolingDown | BreakerSuccessLocked(isProbe);
                case KeyErrorKind.KeyRejected:
                    return DisableLocked(isProbe);
            }

            // A request-scoped 403 (model, region, project) also proves the key and the upstream work.
            return statusCode >= 500 ? BreakerFailureLocked(now, isProbe, settings) : BreakerSuccessLocked(isProbe);
        }
    }

    /// <summary>Records a connect failure or timeout (no answer at all).</summary>
    public KeyOutcomeEvents OnFailure(long now, bool isProbe, PoolSettings settings)
    {
        lock (_gate)
        {
            return BreakerFailureLocked(now, isProbe, settings);
        }
    }

    private KeyOutcomeEvents DisableLocked(bool isProbe)
    {
        if (isProbe)
        {
            _probeInFlight = false;
        }

        if (_disabled)
        {
            return KeyOutcomeEvents.None;
        }

        _disabled = true;
        return KeyOutcomeEvents.Disabled;
    }

    private static TimeSpan CooldownFrom(in ResponseHeaderReader headers, DateTimeOffset utcNow, PoolSettings settings)
    {
        TimeSpan delay;
        if (!RateLimitHeaders.TryParseRetryAfterMs(headers.Get(RateLimitHeaders.RetryAfterMs), out delay)
            && !RateLimitHeaders.TryParseRetryAfter(headers.Get(RateLimitHeaders.RetryAfter), utcNow, out delay)
            && !TryResetDelay(headers, out delay))
        {
            delay = TimeSpan.FromTicks(settings.DefaultCooldownTicks);
        }

        return TimeSpan.FromTicks(Math.Clamp(delay.Ticks, 0, settings.MaxCooldownTicks));
    }

    // Without retry-after, the reset of whichever quota ran out says when the key works again.
    private static bool TryResetDelay(in ResponseHeaderReader headers, out TimeSpan delay)
    {
        var hasRequests = RateLimitHeaders.TryParseDuration(headers.Get(RateLimitHeaders.ResetRequests), out var requests);
        var hasTokens = RateLimitHeaders.TryParseDuration(headers.Get(RateLimitHeaders.ResetTokens), out var tokens);
        var requestsOut = RateLimitHeaders.TryParseCount(headers.Get(RateLimitHeaders.RemainingRequests), out var remainingRequests) && remainingRequests == 0;
        var tokensOut = RateLimitHeaders.TryParseCount(headers.Get(RateLimitHeaders.RemainingTokens), out var remainingTokens) && remainingTokens == 0;

        if (hasRequests && requestsOut && !(hasTokens && tokensOut))
        {
            delay = requests;
        }
        else if (hasTokens && tokensOut && !(hasRequests && requestsOut))
        {
            delay = tokens;
        }
        else if (hasRequests || hasTokens)
        {
            // Both or neither reported as exhausted: the later reset is the safe one.
            delay = TimeSpan.FromTicks(Math.Max(hasRequests ? requests.Ticks : 0, hasTokens ? tokens.Ticks : 0));
        }
        else
        {
            delay = TimeSpan.Zero;
            return false;
        }

        return true;
    }

    private void UpdateHeadroomLocked(long now, in ResponseHeaderReader headers)
    {
        if (RateLimitHeaders.TryParseCount(headers.Get(RateLimitHeaders.RemainingRequests), out var remaining))
        {
            _remainingRequests = remaining;
            _requestsSinceHeader = 0;
            _resetRequestsAt = RateLimitHeaders.TryParseDuration(headers.Get(RateLimitHeaders.ResetRequests), out var reset)
                ? now + reset.Ticks
                : now + HeaderLifetimeTicks;
            if (RateLimitHeaders.TryParseCount(headers.Get(RateLimitHeaders.LimitRequests), out var limit))
            {
                _limitRequests = limit;
            }
        }

        if (RateLimitHeaders.TryParseCount(headers.Get(RateLimitHeaders.RemainingTokens), out remaining))
        {
            _remainingTokens = remaining;
            _tokensSinceHeader = 0;
            _resetTokensAt = RateLimitHeaders.TryParseDuration(headers.Get(RateLimitHeaders.ResetTokens), out var reset)
                ? now + reset.Ticks
                : now + HeaderLifetimeTicks;
            if (RateLimitHeaders.TryParseCount(headers.Get(RateLimitHeaders.LimitTokens), out var limit))
            {
                _limitTokens = limit;
            }
        }
    }

    private KeyOutcomeEvents BreakerSuccessLocked(bool isProbe)
    {
        _consecutiveFailures = 0;
        // Only the probe may close the circuit: a success from a request sent before it opened proves nothing now.
        if (isProbe && _circuitOpen)
        {
            _probeInFlight = false;
            _circuitOpen = false;
            return KeyOutcomeEvents.CircuitClosed;
        }

        return KeyOutcomeEvents.None;
    }

    private KeyOutcomeEvents BreakerFailureLocked(long now, bool isProbe, PoolSettings settings)
    {
        if (isProbe)
        {
            _probeInFlight = false;
        }

        if (settings.BreakerThreshold <= 0)
        {
            return KeyOutcomeEvents.None;
        }

        _consecutiveFailures++;
        if ((isProbe && _circuitOpen) || (!_circuitOpen && _consecutiveFailures >= settings.BreakerThreshold))
        {
            _circuitOpen = true;
            _openUntil = now + settings.BreakTicks;
            _consecutiveFailures = 0;
            return KeyOutcomeEvents.CircuitOpened;
        }

        return KeyOutcomeEvents.None;
    }
}

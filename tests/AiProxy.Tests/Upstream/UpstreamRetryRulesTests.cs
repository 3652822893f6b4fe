using AiProxy.Transforms.Keys;
using AiProxy.Upstream;

namespace AiProxy.Tests.Upstream;

public sealed class UpstreamRetryRulesTests
{
    [Theory]
    [InlineData(408, KeyErrorKind.None, false, true)]
    [InlineData(500, KeyErrorKind.None, false, true)]
    [InlineData(502, KeyErrorKind.None, false, true)]
    [InlineData(503, KeyErrorKind.None, false, true)]
    [InlineData(504, KeyErrorKind.None, false, true)]
    [InlineData(429, KeyErrorKind.Throttled, true, true)]
    [InlineData(429, KeyErrorKind.Throttled, false, false)] // a single key with nowhere else to go: the upstream's own 429 is passed on
    [InlineData(429, KeyErrorKind.QuotaExhausted, true, true)]
    [InlineData(402, KeyErrorKind.QuotaExhausted, true, true)]
    [InlineData(401, KeyErrorKind.KeyRejected, true, true)]
    [InlineData(403, KeyErrorKind.KeyRejected, true, true)]
    [InlineData(403, KeyErrorKind.Forbidden, true, false)] // model/region/project: the same on every key, the client gets it
    [InlineData(401, KeyErrorKind.KeyRejected, false, false)]
    [InlineData(200, KeyErrorKind.None, true, false)]
    [InlineData(400, KeyErrorKind.None, true, false)]
    [InlineData(404, KeyErrorKind.None, true, false)]
    [InlineData(501, KeyErrorKind.None, true, false)]
    public void IsRetryable_Status_MatchesTheRetryRules(int status, KeyErrorKind error, bool hasAlternative, bool expected)
    {
        Assert.Equal(expected, UpstreamRetryRules.IsRetryable(status, error, hasAlternative));
    }

    [Theory]
    [InlineData(1, 4, 1, true)]
    [InlineData(3, 4, 1, true)]
    [InlineData(4, 4, 1, false)] // the last attempt passes its answer on
    [InlineData(1, 4, 30, false)] // past the deadline
    [InlineData(1, 1, 0, false)]
    public void MayRetry_AttemptAndElapsed_RespectsBudgetAndDeadline(int attempt, int maxAttempts, int elapsedSeconds, bool expected)
    {
        Assert.Equal(expected, UpstreamRetryRules.MayRetry(attempt, maxAttempts, TimeSpan.FromSeconds(elapsedSeconds), TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(false, true, false, true)] // connect error before the first byte
    [InlineData(false, true, true, false)] // never after the first byte
    [InlineData(true, true, false, false)] // the client's own cancellation is not a failure
    [InlineData(false, false, false, false)] // budget spent
    public void RetryAfterError_Conditions_RetriesOnlyBeforeTheFirstByte(bool clientAborted, bool retryAllowed, bool responseStarted, bool expected)
    {
        Assert.Equal(expected, UpstreamRetryRules.RetryAfterError(clientAborted, retryAllowed, responseStarted));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(408, true)]
    [InlineData(429, false)]
    [InlineData(401, false)]
    public void IsProviderFailure_Status_OnlyServerSideFailures(int status, bool expected)
    {
        Assert.Equal(expected, UpstreamRetryRules.IsProviderFailure(status));
    }

    [Fact]
    public void AfterProviderFailure_UntriedProviderLeft_SwitchesElseBacksOff()
    {
        Assert.Equal(AttemptOutcome.RetrySwitch, UpstreamRetryRules.AfterProviderFailure(hasUntriedProvider: true));
        Assert.Equal(AttemptOutcome.RetryBackoff, UpstreamRetryRules.AfterProviderFailure(hasUntriedProvider: false));
    }
}

using AiProxy.RateLimiting.Budgets;

namespace AiProxy.Tests.RateLimiting.Budgets;

public sealed class BudgetCalendarTests
{
    private static TimeZoneInfo Zone(string id)
    {
        Assert.True(AiProxy.Configuration.ResetTimeZones.TryFind(id, out var zone), id);
        return zone;
    }

    [Theory]
    // 23:30 UTC on Nov 30 is already Dec 1 in Paris (UTC+1): the Paris day ends at 23:00 UTC on Dec 1.
    [InlineData("Europe/Paris", "2026-11-30T23:30:00Z", BudgetWindow.Day, "d20261201", "2026-11-30T23:00:00Z", "2026-12-01T23:00:00Z")]
    [InlineData("UTC", "2026-11-30T23:30:00Z", BudgetWindow.Day, "d20261130", "2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z")]
    [InlineData("America/New_York", "2026-11-30T03:00:00Z", BudgetWindow.Day, "d20261129", "2026-11-29T05:00:00Z", "2026-11-30T05:00:00Z")]
    [InlineData("UTC", "2026-12-31T12:00:00Z", BudgetWindow.Month, "m202612", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("Asia/Kolkata", "2026-11-30T10:10:00Z", BudgetWindow.Hour, "h2026113015", "2026-11-30T09:30:00Z", "2026-11-30T10:30:00Z")]
    // Paris springs forward on 2026-03-29: that day is 23 hours long.
    [InlineData("Europe/Paris", "2026-03-29T12:00:00Z", BudgetWindow.Day, "d20260329", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")]
    public void Window_InZone_StartsAndEndsAtLocalBoundaries(string zone, string now, BudgetWindow window, string id, string start, string end)
    {
        var (actualId, actualStart, actualEnd) = BudgetCalendar.Window(window, DateTimeOffset.Parse(now), Zone(zone));

        Assert.Equal(id, actualId);
        Assert.Equal(DateTimeOffset.Parse(start), actualStart);
        Assert.Equal(DateTimeOffset.Parse(end), actualEnd);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("UTC", true)]
    [InlineData("Europe/Paris", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData(" ", false)]
    public void ResetTimeZonesTryFind_KnownAndUnknownIds(string? id, bool known) => Assert.Equal(known, AiProxy.Configuration.ResetTimeZones.TryFind(id, out _));
}

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
    // Paris falls back on 2026-10-25: that day is 25 hours long (CEST midnight to CET midnight).
    [InlineData("Europe/Paris", "2026-10-25T12:00:00Z", BudgetWindow.Day, "d20261025", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z")]
    // The instant just before the 25-hour day ends, and the first instant of the next day.
    [InlineData("Europe/Paris", "2026-10-25T22:59:59Z", BudgetWindow.Day, "d20261025", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z")]
    [InlineData("Europe/Paris", "2026-10-25T23:00:00Z", BudgetWindow.Day, "d20261026", "2026-10-25T23:00:00Z", "2026-10-26T23:00:00Z")]
    // New York springs forward on 2026-03-08 (23 h) and falls back on 2026-11-01 (25 h); midnight stays the boundary.
    [InlineData("America/New_York", "2026-03-08T06:59:59Z", BudgetWindow.Day, "d20260308", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z")]
    [InlineData("America/New_York", "2026-03-09T04:00:00Z", BudgetWindow.Day, "d20260309", "2026-03-09T04:00:00Z", "2026-03-10T04:00:00Z")]
    [InlineData("America/New_York", "2026-11-01T12:00:00Z", BudgetWindow.Day, "d20261101", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z")]
    // The hour the clocks skip does not exist: 01:00 EST runs to 03:00 EDT (one real hour).
    [InlineData("America/New_York", "2026-03-08T06:30:00Z", BudgetWindow.Hour, "h2026030801", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z")]
    // The repeated hour (01:00-02:00 twice) is one window of two real hours, whichever occurrence we are in.
    [InlineData("America/New_York", "2026-11-01T05:30:00Z", BudgetWindow.Hour, "h2026110101", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z")]
    [InlineData("America/New_York", "2026-11-01T06:30:00Z", BudgetWindow.Hour, "h2026110101", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z")]
    // The month containing a fall-back day ends at local midnight of the 1st.
    [InlineData("Europe/Paris", "2026-10-25T01:30:00Z", BudgetWindow.Month, "m202610", "2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z")]
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

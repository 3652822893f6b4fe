using System.Globalization;

namespace AiProxy.RateLimiting.Budgets;

/// <summary>
/// Calendar windows in a time zone: where the hour, day or month containing an instant ends, and a stable id for it
/// (the Redis key suffix, identical on every replica). Daylight-saving days are 23 or 25 hours long, as users expect.
/// </summary>
internal static class BudgetCalendar
{
    /// <summary>Returns the window containing <paramref name="now"/>: its id (local start, e.g. <c>d20261130</c>), start and end.</summary>
    public static (string Id, DateTimeOffset Start, DateTimeOffset End) Window(BudgetWindow window, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        DateTime start, end;
        string id;
        switch (window)
        {
            case BudgetWindow.Hour:
                start = new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
                end = start.AddHours(1);
                id = "h" + start.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);
                break;
            case BudgetWindow.Day:
                start = local.Date;
                end = start.AddDays(1);
                id = "d" + start.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                break;
            default:
                start = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
                end = start.AddMonths(1);
                id = "m" + start.ToString("yyyyMM", CultureInfo.InvariantCulture);
                break;
        }
        return (id, ToUtc(start, zone), ToUtc(end, zone));
    }

    /// <summary>Converts a local wall-clock time to UTC; a time skipped by a DST jump moves to the first valid instant after it.</summary>
    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        // An ambiguous time (clocks going back) resolves to its first occurrence: the window ends no later than expected.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}

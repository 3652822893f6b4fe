using AiProxy.Transforms.Keys;

namespace AiProxy.RateLimiting.Priority;

/// <summary>
/// Decides which priority classes a provider still serves from its key pool's pressure. With a critical reserve r, a class
/// is refused once the headroom of the keys it may use falls to its threshold: high at r, normal at r + (1 - r) / 4, low
/// at r + (1 - r) / 2. Critical is never refused here (it may still meet an exhausted pool). A provider without
/// <c>CriticalReserve</c> sheds nobody.
/// </summary>
internal static class PriorityShedding
{
    /// <summary>The headroom at or below which <paramref name="priority"/> is refused, or a negative value when it never is.</summary>
    public static double Threshold(PriorityClass priority, double criticalReserve)
    {
        if (criticalReserve <= 0 || priority == PriorityClass.Critical)
        {
            return -1;
        }
        var rest = 1 - criticalReserve;
        return priority switch
        {
            PriorityClass.High => criticalReserve,
            PriorityClass.Normal => criticalReserve + (rest / 4),
            _ => criticalReserve + (rest / 2),
        };
    }

    /// <summary>Returns whether <paramref name="priority"/> must yield to higher classes on a pool under <paramref name="pressure"/>.</summary>
    public static bool ShouldShed(PriorityClass priority, in KeyPoolPressure pressure)
        => pressure.Keys > 0 && pressure.Headroom <= Threshold(priority, pressure.CriticalReserve);
}

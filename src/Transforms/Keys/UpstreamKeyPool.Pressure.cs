namespace AiProxy.Transforms.Keys;

public sealed partial class UpstreamKeyPool
{
    /// <summary>Gets the share of capacity kept for <see cref="PriorityClass.Critical"/> (0 = no priority shedding).</summary>
    public double CriticalReserve => _settings.CriticalReserve;

    /// <summary>Reads how much capacity the keys that <paramref name="priority"/> may use have left; reserves nothing.</summary>
    public KeyPoolPressure GetPressure(PriorityClass priority)
    {
        var keys = _keys;
        var settings = _settings;
        var now = Now();
        var sum = 0.0;
        var count = 0;
        var soonest = long.MaxValue;
        foreach (var key in keys)
        {
            if (!key.Admits(priority))
            {
                continue;
            }
            count++;
            sum += key.Pressure(now, settings, out var recoverAt);
            soonest = Math.Min(soonest, recoverAt);
        }
        var recoverIn = soonest == long.MaxValue ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(0, soonest - now));
        return new KeyPoolPressure(count == 0 ? 0 : sum / count, count, recoverIn, settings.CriticalReserve);
    }
}

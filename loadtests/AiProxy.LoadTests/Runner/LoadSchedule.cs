namespace AiProxy.LoadTests.Runner;

/// <summary>Pure arithmetic of the load shapes: when open-model arrivals are due, how many closed-model copies run.</summary>
internal static class LoadSchedule
{
    /// <summary>Offsets of the arrivals of a segment whose rate moves linearly from <paramref name="fromRate"/> to <paramref name="toRate"/> per second.</summary>
    public static IEnumerable<TimeSpan> Arrivals(double fromRate, double toRate, TimeSpan during, long? iterations = null)
    {
        // Arrivals are where the cumulative count N(t) = a·t + b·t²/2 crosses 0, 1, 2, …; b is the slope of the rate.
        var seconds = during == TimeSpan.MaxValue ? double.PositiveInfinity : during.TotalSeconds;
        var a = fromRate;
        var b = double.IsInfinity(seconds) ? 0 : (toRate - fromRate) / seconds;
        for (long k = 0; iterations is null || k < iterations; k++)
        {
            double t;
            if (Math.Abs(b) < 1e-12)
            {
                if (a <= 0)
                {
                    yield break;
                }
                t = k / a;
            }
            else
            {
                var disc = (a * a) + (2 * b * k);
                if (disc < 0)
                {
                    yield break;
                }
                t = (-a + Math.Sqrt(disc)) / b;
            }
            if (t >= seconds || double.IsNaN(t))
            {
                yield break;
            }
            yield return TimeSpan.FromSeconds(t);
        }
    }

    /// <summary>Copies wanted at <paramref name="elapsed"/> into a segment ramping from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static int CopiesAt(int from, int to, TimeSpan elapsed, TimeSpan during)
    {
        if (during <= TimeSpan.Zero || during == TimeSpan.MaxValue || elapsed >= during)
        {
            return to;
        }
        var share = Math.Clamp(elapsed / during, 0, 1);
        return (int)Math.Round(from + ((to - from) * share), MidpointRounding.AwayFromZero);
    }
}

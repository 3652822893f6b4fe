namespace AiProxy.Metrics.Prometheus;

/// <summary>Lock-free addition on a <see cref="double"/> field.</summary>
internal static class AtomicDouble
{
    public static void Add(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var observed = Interlocked.CompareExchange(ref location, current + value, current);
            // Compare bits: NaN never equals itself and would spin forever.
            if (BitConverter.DoubleToInt64Bits(observed) == BitConverter.DoubleToInt64Bits(current)) return;
            current = observed;
        }
    }
}

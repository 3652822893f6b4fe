using System.Diagnostics;
using System.Globalization;
using AiProxy.Caching.Semantic;

namespace AiProxy.SemanticEval;

/// <summary>
/// Model load in a fresh process (run once per precision): the time of the lazy load plus the first embedding, the
/// RSS before and after it, and the peak RSS (VmHWM) reached during it, which for int8 includes the transient
/// managed copies made while the weights are quantised.
/// </summary>
internal static class LoadBench
{
    public static int Run(string precision)
    {
        var tuning = Program.TuningOf(precision);
        // Touch the runtime pieces the load uses, so the baseline is not the bare process.
        _ = Stopwatch.GetTimestamp();
        GC.Collect(2, GCCollectionMode.Aggressive, true, true);
        var before = Environment.WorkingSet;
        var peakBefore = Status("VmHWM");
        using var model = new LocalMiniLmEmbeddingGenerator(tuning);
        var start = Stopwatch.GetTimestamp();
        model.Embed("warm up");
        var loadMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var after = Environment.WorkingSet;
        var peak = Status("VmHWM");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model.EmbedderId}: load + first embedding {loadMs:F0} ms; RSS {Mb(before)} -> {Mb(after)} (+{Mb(after - before)}); peak RSS during load {Mb(peak)} (+{Mb(peak - before)} over the start, VmHWM before {Mb(peakBefore)}); GC heap after {Mb(GC.GetTotalMemory(false))}"));
        return 0;
    }

    private static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";
}

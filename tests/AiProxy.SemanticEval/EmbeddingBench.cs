using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using AiProxy.Caching.Semantic;

namespace AiProxy.SemanticEval;

/// <summary>
/// Where an embedding's time goes: tokens per prompt, tokenizer time, and each ONNX Runtime setting against the
/// default in one run (rounds interleave the settings so that the machine's load falls on all of them alike).
/// Per embedding it reports wall time and the calling thread's CPU time: with one intra-op thread the whole
/// embedding runs on that thread, so its CPU time is what the wall time would be on an uncontended core.
/// </summary>
internal static partial class EmbeddingBench
{
    public static int Run(string pairsPath, int rounds)
    {
        var prompts = File.ReadLines(pairsPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .SelectMany(e => new[] { e.GetProperty("a").GetString()!, e.GetProperty("b").GetString()! }).Distinct().ToArray();
        // The shipped int8 model (full range on this CPU), the same forced to 7 bits, and the fp32 opt-out. The session
        // settings (DAZ, arena, threads, pre-packing) were compared on fp32 before int8 shipped: see the README.
        LocalEmbedderTuning[] variants =
        [
            LocalEmbedderTuning.Default,
            LocalEmbedderTuning.Default with { WeightRange = Int8WeightRange.Reduced },
            LocalEmbedderTuning.Default with { Precision = AiProxy.Configuration.LocalEmbeddingPrecision.Fp32 },
        ];
        var models = variants.Select(v => new LocalMiniLmEmbeddingGenerator(v)).ToArray();
        foreach (var m in models)
        {
            m.Embed("warm up");
        }

        Tokens(models[0], prompts);
        PerToken(models[0]);
        var wall = variants.Select(_ => new List<double>()).ToArray();
        var cpu = variants.Select(_ => new List<double>()).ToArray();
        var processCpu = new double[variants.Length];
        var vector = new float[LocalMiniLmEmbeddingGenerator.Dimensions];
        for (var round = 0; round < rounds; round++)
        {
            for (var v = 0; v < models.Length; v++)
            {
                var cpuBefore = Environment.CpuUsage.TotalTime;
                foreach (var prompt in prompts)
                {
                    var threadBefore = ThreadCpuMs();
                    var start = Stopwatch.GetTimestamp();
                    models[v].Embed(prompt, vector);
                    wall[v].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    cpu[v].Add(ThreadCpuMs() - threadBefore);
                }

                processCpu[v] += (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            }
        }

        Console.WriteLine($"{prompts.Length} distinct eval prompts x {rounds} rounds per setting; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine("| setting | wall p50 | wall p99 | thread CPU p50 | thread CPU p99 | process CPU / embedding |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (var v = 0; v < variants.Length; v++)
        {
            Console.WriteLine($"| {variants[v].Describe()} | {P(wall[v], 50)} | {P(wall[v], 99)} | {P(cpu[v], 50)} | {P(cpu[v], 99)} | {F(processCpu[v] / wall[v].Count)} |");
            models[v].Dispose();
        }

        return 0;
    }

    /// <summary>Writes an ONNX Runtime profile of 200 eval-prompt embeddings (onnxruntime_profile_*.json, per-operator times).</summary>
    public static int Profile(string pairsPath)
    {
        var prompts = File.ReadLines(pairsPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => e.GetProperty("a").GetString()!).Take(200).ToArray();
        var prefix = Path.Combine(Path.GetTempPath(), "minilm-" + Environment.ProcessId);
        using (var model = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { ProfilePrefix = prefix }))
        {
            foreach (var p in prompts)
            {
                model.Embed(p);
            }
        }

        // Chrome-trace events: one "<node>_kernel_time" per operator per run, with args.op_name.
        var file = Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(prefix) + "*.json").Single();
        using var trace = JsonDocument.Parse(File.ReadAllBytes(file));
        var byOp = new Dictionary<string, double>();
        foreach (var e in trace.RootElement.EnumerateArray())
        {
            if (e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
            {
                var op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                byOp[op] = byOp.GetValueOrDefault(op) + e.GetProperty("dur").GetDouble();
            }
        }

        var total = byOp.Values.Sum();
        Console.WriteLine($"{prompts.Length} embeddings, operator time per embedding {F(total / prompts.Length / 1000)} ms (profiling adds overhead):");
        foreach (var (op, us) in byOp.OrderByDescending(x => x.Value).Take(8))
        {
            Console.WriteLine($"  {op,-20} {F(us / prompts.Length / 1000)} ms  {100 * us / total:F1}%");
        }

        File.Delete(file);
        return 0;
    }

    private static void Tokens(LocalMiniLmEmbeddingGenerator model, string[] prompts)
    {
        var counts = new List<double>();
        var start = Stopwatch.GetTimestamp();
        foreach (var p in prompts)
        {
            counts.Add(model.CountTokens(p));
        }

        var tokenizeUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds / prompts.Length;
        Console.WriteLine($"tokens per prompt (with [CLS]/[SEP]): p50 {P(counts, 50)}, p99 {P(counts, 99)}, max {counts.Max()}; tokenizer alone {F(tokenizeUs / 1000)} ms per prompt");
    }

    private static void PerToken(LocalMiniLmEmbeddingGenerator model)
    {
        // Fixed cost vs cost per token: the same words repeated to 4, 8, ... 256 tokens, best of 20 (CPU time).
        var vector = new float[LocalMiniLmEmbeddingGenerator.Dimensions];
        var line = new List<string>();
        foreach (var words in new[] { 2, 6, 14, 30, 62, 126, 254 })
        {
            var text = string.Join(' ', Enumerable.Repeat("cache", words));
            var best = double.MaxValue;
            for (var i = 0; i < 20; i++)
            {
                var before = ThreadCpuMs();
                model.Embed(text, vector);
                best = Math.Min(best, ThreadCpuMs() - before);
            }

            line.Add($"{model.CountTokens(text)} tokens {F(best)} ms");
        }

        Console.WriteLine("CPU per embedding by length (best of 20): " + string.Join(", ", line));
    }

    private static double ThreadCpuMs()
    {
        // CLOCK_THREAD_CPUTIME_ID = 3 on Linux.
        _ = ClockGetTime(3, out var ts);
        return (ts.Seconds * 1000.0) + (ts.Nanoseconds / 1e6);
    }

    private static string F(double ms) => ms.ToString("F2", CultureInfo.InvariantCulture);

    private static string P(List<double> values, int percentile)
    {
        var sorted = values.OrderBy(x => x).ToList();
        var i = Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1);
        return F(sorted[Math.Max(0, i)]);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

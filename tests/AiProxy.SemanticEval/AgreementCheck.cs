using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;
using AiProxy.Caching.Semantic;
using AiProxy.Configuration;

namespace AiProxy.SemanticEval;

/// <summary>
/// How close the int8-weight vectors are to the fp32 ones: cosine(fp32, int8) over every distinct prompt of the eval
/// and holdout sets, for the full and the 7-bit weight range (min, p1, p5, p50, and the prompts furthest apart).
/// </summary>
internal static class AgreementCheck
{
    public static int Run(string pairsPath)
    {
        var prompts = new[] { pairsPath, Path.Combine(Path.GetDirectoryName(pairsPath)!, "holdout.jsonl") }
            .SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .SelectMany(e => new[] { e.GetProperty("a").GetString()!, e.GetProperty("b").GetString()! }).Distinct().ToArray();
        using var fp32 = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { Precision = LocalEmbeddingPrecision.Fp32 });
        var exact = prompts.Select(fp32.Embed).ToArray();
        foreach (var range in new[] { Int8WeightRange.Full, Int8WeightRange.Reduced })
        {
            using var int8 = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { WeightRange = range });
            var cosines = prompts.Select((p, i) => (Prompt: p, Cosine: (double)TensorPrimitives.CosineSimilarity<float>(exact[i], int8.Embed(p)))).OrderBy(x => x.Cosine).ToList();
            var sorted = cosines.Select(c => c.Cosine).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{int8.EmbedderId}: {prompts.Length} prompts, cosine to fp32 min {sorted[0]:F4}, p1 {Q(sorted, 1):F4}, p5 {Q(sorted, 5):F4}, p50 {Q(sorted, 50):F4}; below 0.99: {sorted.Count(c => c < 0.99)}, below 0.98: {sorted.Count(c => c < 0.98)}"));
            foreach (var (prompt, cosine) in cosines.Take(8))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {cosine:F4}  {prompt}"));
            }
        }

        return 0;
    }

    private static double Q(List<double> sorted, int percentile) => sorted[Math.Max(0, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
}

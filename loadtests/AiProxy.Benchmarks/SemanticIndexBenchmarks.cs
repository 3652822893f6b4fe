using AiProxy.Caching.Semantic;
using BenchmarkDotNet.Attributes;

namespace AiProxy.Benchmarks;

/// <summary>
/// One semantic-cache search (384-d query, one scope) at 10k and 100k entries: a full int8 scan below the prefilter
/// threshold, the sign-bit prefilter plus int8 rescoring above it. The embedding itself is measured by the SemanticEval
/// tool (<c>tests/AiProxy.SemanticEval -- bench</c>), which needs the model.
/// </summary>
[MemoryDiagnoser]
public class SemanticIndexBenchmarks
{
    private const int Dims = 384;

    private SemanticIndex _index = null!;
    private float[] _query = null!;

    [Params(10_000, 100_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _index = new SemanticIndex(Dims, 200_000, long.MaxValue, TimeSpan.FromHours(1), TimeProvider.System);
        var vector = new float[Dims];
        float[]? first = null;
        for (var i = 0; i < Entries; i++)
        {
            RandomUnit(random, vector);
            first ??= (float[])vector.Clone();
            _index.Add("scope", $"How do I configure feature number {i} of the service on Linux?", vector, "aiproxy:resp:v1:" + i.ToString("x64"));
        }
        // A near-duplicate of a stored prompt, as a paraphrase would be.
        _query = new float[Dims];
        for (var d = 0; d < Dims; d++)
        {
            _query[d] = first![d] + (float)((random.NextDouble() - 0.5) * 0.02);
        }
    }

    [Benchmark]
    public bool Search() => _index.Search("scope", _query).Found;

    private static void RandomUnit(Random random, float[] v)
    {
        double norm = 0;
        for (var d = 0; d < v.Length; d++)
        {
            v[d] = (float)((random.NextDouble() * 2) - 1);
            norm += v[d] * v[d];
        }
        var scale = (float)(1 / Math.Sqrt(norm));
        for (var d = 0; d < v.Length; d++)
        {
            v[d] *= scale;
        }
    }
}

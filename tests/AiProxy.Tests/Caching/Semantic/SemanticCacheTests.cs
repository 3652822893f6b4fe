using System.Diagnostics.Metrics;
using AiProxy.Caching.Semantic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AiProxy.Tests.Caching.Semantic;

public sealed class SemanticCacheTests
{
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }

    private static (SemanticCache Cache, Dictionary<string, float[]> Vectors) Create(SemanticCacheSettings? options = null, SemanticCacheMetrics? metrics = null)
    {
        options ??= new SemanticCacheSettings { Enabled = true };

        // Hand-made 4-d vectors: similarity is exactly what the test sets up.
        var vectors = new Dictionary<string, float[]>
        {
            ["How do I delete a file in Linux?"] = Unit(1, 0, 0, 0),
            ["What's the command to remove a file on Linux?"] = Unit(1, 0.2f, 0, 0),
            ["How do I NOT delete a file in Linux?"] = Unit(1, 0.1f, 0, 0),
            ["What is the capital of France?"] = Unit(0, 0, 1, 0),
        };
        var inner = new FakeEmbeddingGenerator((t, _) => Task.FromResult(vectors[t]));
        var time = new FakeTimeProvider();
        var embedder = new BudgetedEmbedder(inner, options.EmbeddingBudget, time, NullLogger<BudgetedEmbedder>.Instance, metrics);
        var index = new SemanticIndex(4, options.MaxEntries, options.MaxBytes, options.Ttl, time);
        return (new SemanticCache(options, embedder, index, NullLogger<SemanticCache>.Instance, metrics), vectors);
    }

    private static float[] Unit(params float[] v)
    {
        var n = System.Numerics.Tensors.TensorPrimitives.Norm<float>(v);
        return v.Select(x => x / n).ToArray();
    }

    [Fact]
    public async Task LookupAsync_Paraphrase_HitWithStoredKey()
    {
        var (cache, vectors) = Create();
        cache.Add("s", "How do I delete a file in Linux?", vectors["How do I delete a file in Linux?"], "answer-1");

        var result = await cache.LookupAsync("s", "What's the command to remove a file on Linux?", CancellationToken.None);

        Assert.True(result.Hit);
        Assert.Equal("answer-1", result.AnswerKey);
        Assert.InRange(result.Score, 0.95f, 1f);
    }

    [Fact]
    public async Task LookupAsync_NegatedQuestionAboveThreshold_RejectedByNegationGuard()
    {
        var (cache, vectors) = Create();
        cache.Add("s", "How do I delete a file in Linux?", vectors["How do I delete a file in Linux?"], "answer-1");

        var result = await cache.LookupAsync("s", "How do I NOT delete a file in Linux?", CancellationToken.None);

        Assert.False(result.Hit);
        Assert.Equal(SemanticReasons.Negation, result.Reason);
        Assert.True(result.Score > 0.99f);
        Assert.NotNull(result.Vector);
    }

    [Fact]
    public async Task LookupAsync_Unrelated_BelowThreshold()
    {
        var (cache, vectors) = Create();
        cache.Add("s", "How do I delete a file in Linux?", vectors["How do I delete a file in Linux?"], "answer-1");

        var result = await cache.LookupAsync("s", "What is the capital of France?", CancellationToken.None);

        Assert.Equal(SemanticReasons.BelowThreshold, result.Reason);
    }

    [Fact]
    public async Task LookupAsync_OtherScope_Empty()
    {
        var (cache, vectors) = Create();
        cache.Add("team-a", "How do I delete a file in Linux?", vectors["How do I delete a file in Linux?"], "answer-1");

        var result = await cache.LookupAsync("team-b", "How do I delete a file in Linux?", CancellationToken.None);

        Assert.Equal(SemanticReasons.Empty, result.Reason);
    }

    [Fact]
    public async Task AddAsync_NoVectorFromLookup_EmbedsAndStores()
    {
        var (cache, _) = Create();

        Assert.True(await cache.AddAsync("s", "How do I delete a file in Linux?", null, "answer-1", CancellationToken.None));
        var result = await cache.LookupAsync("s", "What's the command to remove a file on Linux?", CancellationToken.None);

        Assert.Equal("answer-1", result.AnswerKey);
    }

    [Fact]
    public async Task LookupAsync_Disabled_MissWithoutEmbedding()
    {
        var (cache, _) = Create(new SemanticCacheSettings { Enabled = false });

        var result = await cache.LookupAsync("s", "How do I delete a file in Linux?", CancellationToken.None);

        Assert.Equal(SemanticReasons.Disabled, result.Reason);
        Assert.Null(result.Vector);
    }

    [Fact]
    public async Task LookupAsync_Outcomes_CountedOnTheMeter()
    {
        using var factory = new TestMeterFactory();
        var metrics = new SemanticCacheMetrics(factory, "AiProxy.Test.Semantic");
        var lookups = new List<(long Value, string Result, string Reason)>();
        var rejections = new List<string>();
        var similarities = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AiProxy.Test.Semantic")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(k => k.Key, k => k.Value?.ToString() ?? "");
            if (instrument.Name == SemanticCacheMetrics.LookupsName)
            {
                lookups.Add((value, t["result"], t["reason"]));
            }
            else if (instrument.Name == SemanticCacheMetrics.RejectionsName)
            {
                rejections.Add(t["reason"]);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == SemanticCacheMetrics.SimilarityName)
            {
                similarities.Add(value);
            }
        });
        listener.Start();
        var (cache, vectors) = Create(metrics: metrics);
        cache.Add("s", "How do I delete a file in Linux?", vectors["How do I delete a file in Linux?"], "answer-1");

        await cache.LookupAsync("s", "What's the command to remove a file on Linux?", CancellationToken.None);
        await cache.LookupAsync("s", "How do I NOT delete a file in Linux?", CancellationToken.None);

        Assert.Equal([(1L, "hit", "none"), (1L, "miss", SemanticReasons.Negation)], lookups);
        Assert.Equal([SemanticReasons.Negation], rejections);
        Assert.Equal(2, similarities.Count);
    }
}

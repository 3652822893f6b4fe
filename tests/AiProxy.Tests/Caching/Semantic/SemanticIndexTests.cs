using AiProxy.Caching.Semantic;
using Microsoft.Extensions.Time.Testing;

namespace AiProxy.Tests.Caching.Semantic;

public sealed class SemanticIndexTests
{
    private const int Dims = 384;

    private static float[] RandomUnit(Random random, int dims = Dims)
    {
        var v = new float[dims];
        double norm = 0;
        for (var i = 0; i < dims; i++)
        {
            // Box-Muller: Gaussian components give uniformly distributed directions.
            var g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            v[i] = (float)g;
            norm += g * g;
        }

        var n = (float)Math.Sqrt(norm);
        for (var i = 0; i < dims; i++)
        {
            v[i] /= n;
        }

        return v;
    }

    private static float[] Near(Random random, float[] v, float noise)
    {
        var r = RandomUnit(random);
        var mixed = new float[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            mixed[i] = v[i] + (noise * r[i]);
        }

        var n = System.Numerics.Tensors.TensorPrimitives.Norm<float>(mixed);
        System.Numerics.Tensors.TensorPrimitives.Divide(mixed, n, mixed);
        return mixed;
    }

    private static SemanticIndex Create(TimeProvider? time = null, int maxEntries = 1_000_000, long maxBytes = long.MaxValue, TimeSpan? ttl = null) =>
        new(Dims, maxEntries, maxBytes, ttl ?? TimeSpan.FromHours(1), time ?? new FakeTimeProvider());

    [Fact]
    public void Search_Int8FullScan_Top1AgreesWithFloatOnRandomData()
    {
        var random = new Random(42);
        var stored = new float[2000][];
        var index = Create();
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = RandomUnit(random);
            index.Add("s", "t" + i, stored[i], "k" + i);
        }

        var agree = 0;
        const int queries = 300;
        for (var q = 0; q < queries; q++)
        {
            // Pure random queries are the hardest case: the top two scores are often within 0.01.
            var query = RandomUnit(random);
            var best = -1;
            var bestScore = float.MinValue;
            for (var i = 0; i < stored.Length; i++)
            {
                var s = System.Numerics.Tensors.TensorPrimitives.Dot(query, stored[i]);
                if (s > bestScore)
                {
                    bestScore = s;
                    best = i;
                }
            }

            var found = index.Search("s", query);
            if (found.AnswerKey == "k" + best)
            {
                agree++;
            }

            Assert.InRange(found.Score, bestScore - 0.02f, bestScore + 0.02f);
        }

        Assert.True(agree >= queries * 0.99, $"top-1 agreement {agree}/{queries}");
    }

    [Fact]
    public void Search_PrefilteredLargePartition_FindsNearDuplicates()
    {
        var random = new Random(7);
        var index = Create();
        var count = SemanticPartition.PrefilterThreshold + 4000;
        var stored = new float[count][];
        for (var i = 0; i < count; i++)
        {
            stored[i] = RandomUnit(random);
            index.Add("s", "t" + i, stored[i], "k" + i);
        }

        var found = 0;
        const int queries = 200;
        for (var q = 0; q < queries; q++)
        {
            var target = random.Next(count);

            // noise 0.5 → cosine ~0.89 with the target: a paraphrase-level neighbour, the only kind that can hit.
            var query = Near(random, stored[target], 0.5f);
            if (index.Search("s", query).AnswerKey == "k" + target)
            {
                found++;
            }
        }

        Assert.True(found >= queries * 0.99, $"found {found}/{queries}");
    }

    [Fact]
    public void Search_OtherScope_FindsNothing()
    {
        var index = Create();
        var v = RandomUnit(new Random(1));
        index.Add("team-a", "q", v, "k");

        Assert.False(index.Search("team-b", v).Found);
        Assert.True(index.Search("team-a", v).Found);
    }

    [Fact]
    public void Search_RunnerUpIsDifferentPrompt_Reported()
    {
        var random = new Random(3);
        var index = Create();
        var v = RandomUnit(random);
        index.Add("s", "first", v, "k1");
        index.Add("s", "second", Near(random, v, 0.05f), "k2");
        index.Add("s", "first", v, "k1"); // same prompt stored twice is not a runner-up of itself

        var found = index.Search("s", v);

        Assert.Equal("k1", found.AnswerKey);
        Assert.InRange(found.RunnerUp, 0.9f, 1f);
    }

    [Fact]
    public void Add_OverMaxEntries_EvictsToTheLimit()
    {
        var random = new Random(5);
        var index = Create(maxEntries: 100);
        for (var i = 0; i < 250; i++)
        {
            index.Add("s" + (i % 3), "t" + i, RandomUnit(random), "k" + i);
        }

        Assert.Equal(100, index.Count);
    }

    [Fact]
    public void Add_OverMaxBytes_EvictsBelowTheLimit()
    {
        var random = new Random(6);
        var perEntry = SemanticPartition.EntryBytes(Dims, EntryPayload.Encode("t000", "k000").Length);
        var index = Create(maxBytes: perEntry * 10);
        for (var i = 0; i < 50; i++)
        {
            index.Add("s", $"t{i:000}", RandomUnit(random), $"k{i:000}");
        }

        Assert.InRange(index.Bytes, perEntry * 9, perEntry * 10);
        Assert.Equal(10, index.Count);
    }

    [Fact]
    public void Add_Evicts_LeastRecentlyUsedFirst()
    {
        var random = new Random(8);
        var time = new FakeTimeProvider();
        var index = Create(time, maxEntries: 8);
        var hot = RandomUnit(random);
        index.Add("s", "hot", hot, "hot");
        for (var i = 0; i < 7; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            index.Add("s", "t" + i, RandomUnit(random), "k" + i);
        }

        for (var i = 0; i < 40; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("hot", index.Search("s", hot).AnswerKey); // keeps "hot" recently used
            index.Add("s", "n" + i, RandomUnit(random), "n" + i);
        }

        Assert.Equal("hot", index.Search("s", hot).AnswerKey);
    }

    [Fact]
    public void Search_AfterTtl_EntryIsGoneAndSwept()
    {
        var time = new FakeTimeProvider();
        var index = Create(time, ttl: TimeSpan.FromMinutes(10));
        var v = RandomUnit(new Random(9));
        index.Add("s", "q", v, "k");

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.True(index.Search("s", v).Found);

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(index.Search("s", v).Found);
        Assert.Equal(1, index.RemoveExpired());
        Assert.Equal(0, index.Count);
        Assert.Equal(0, index.Bytes);
    }

    [Fact]
    public void Serializer_RoundTrip_PreservesEntry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero));
        var index = Create(time);
        var v = RandomUnit(new Random(10));
        index.Add("scope-1", "Wie lösche ich eine Datei? 😀", v, "aiproxy:resp:v1:" + new string('a', 64));
        var record = Assert.Single(index.Export());

        var bytes = SemanticIndexSerializer.Serialize(record);
        Assert.True(SemanticIndexSerializer.TryDeserialize(bytes, out var back));

        Assert.Equal(record.Scope, back!.Scope);
        Assert.Equal(record.Text, back.Text);
        Assert.Equal(record.AnswerKey, back.AnswerKey);
        Assert.Equal(record.CreatedAt, back.CreatedAt);
        Assert.Equal(record.Scale, back.Scale);
        Assert.Equal(record.Vector, back.Vector);

        var other = Create(time);
        Assert.True(other.Import(back));
        var found = other.Search("scope-1", v);
        Assert.Equal(record.AnswerKey, found.AnswerKey);
        Assert.True(found.Score > 0.99f);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 255, 255, 255, 127 })]
    public void Serializer_Garbage_ReturnsFalse(byte[] bytes) =>
        Assert.False(SemanticIndexSerializer.TryDeserialize(bytes, out _));

    [Fact]
    public void Import_ExpiredRecord_Skipped()
    {
        var time = new FakeTimeProvider();
        var index = Create(time, ttl: TimeSpan.FromMinutes(1));
        var record = new SemanticIndexRecord("s", "t", "k", time.GetUtcNow() - TimeSpan.FromMinutes(2), 0.01f, new sbyte[Dims]);

        Assert.False(index.Import(record));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void EntryPayload_HexKey_PackedAndRestored()
    {
        var key = "aiproxy:resp:v1:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var payload = EntryPayload.Encode("prompt", key);

        Assert.Equal("prompt", EntryPayload.Text(payload));
        Assert.Equal(key, EntryPayload.AnswerKey(payload));
        Assert.True(payload.Length < 4 + 6 + 5 + 16 + 33);
        Assert.Equal("plain key", EntryPayload.AnswerKey(EntryPayload.Encode("p", "plain key")));
    }

    [Fact]
    public void Int8Vectors_Dot_MatchesScalar()
    {
        var random = new Random(11);
        var a = new sbyte[Dims + 7];
        var b = new sbyte[Dims + 7];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = (sbyte)random.Next(-127, 128);
            b[i] = (sbyte)random.Next(-127, 128);
        }

        var expected = 0;
        for (var i = 0; i < a.Length; i++)
        {
            expected += a[i] * b[i];
        }

        Assert.Equal(expected, Int8Vectors.Dot(a, b));
    }
}

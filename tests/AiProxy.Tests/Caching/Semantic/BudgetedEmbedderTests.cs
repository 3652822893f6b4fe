using AiProxy.Caching.Semantic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AiProxy.Tests.Caching.Semantic;

public sealed class BudgetedEmbedderTests
{
    private static BudgetedEmbedder Create(FakeEmbeddingGenerator inner, TimeProvider time, int budgetMs = 50) =>
        new(inner, TimeSpan.FromMilliseconds(budgetMs), time, NullLogger<BudgetedEmbedder>.Instance);

    [Fact]
    public async Task EmbedAsync_InnerHangs_MissWhenBudgetElapses()
    {
        var time = new FakeTimeProvider();
        var never = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var embedder = Create(new FakeEmbeddingGenerator((_, _) => never.Task), time);

        var pending = embedder.EmbedAsync("q", CancellationToken.None).AsTask();
        Assert.False(pending.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await pending.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(outcome.Succeeded);
        Assert.Equal(SemanticReasons.EmbeddingTimeout, outcome.FailureReason);
    }

    [Fact]
    public async Task EmbedAsync_InnerThrows_MissNotException()
    {
        var embedder = Create(new FakeEmbeddingGenerator((_, _) => throw new HttpRequestException("down")), new FakeTimeProvider());

        var outcome = await embedder.EmbedAsync("q", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(SemanticReasons.EmbeddingFailed, outcome.FailureReason);
    }

    [Fact]
    public async Task EmbedAsync_CallerCancels_MissNotException()
    {
        var never = new TaskCompletionSource<float[]>();
        var embedder = Create(new FakeEmbeddingGenerator((_, _) => never.Task), new FakeTimeProvider());
        using var cts = new CancellationTokenSource();

        var pending = embedder.EmbedAsync("q", cts.Token).AsTask();
        await cts.CancelAsync();
        var outcome = await pending.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public async Task EmbedAsync_ConcurrentIdenticalText_EmbedsOnce()
    {
        var gate = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new FakeEmbeddingGenerator((_, _) => gate.Task);
        var embedder = Create(inner, new FakeTimeProvider());

        var first = embedder.EmbedAsync("same text", CancellationToken.None).AsTask();
        var second = embedder.EmbedAsync("same text", CancellationToken.None).AsTask();
        var third = embedder.EmbedAsync("same text", CancellationToken.None).AsTask();
        gate.SetResult([0.6f, 0.8f]);
        var outcomes = await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, inner.Calls);
        Assert.All(outcomes, o => Assert.Equal([0.6f, 0.8f], o.Vector!));
        Assert.Equal(0, embedder.InFlight);
    }

    [Fact]
    public async Task EmbedAsync_DifferentTexts_EmbedSeparately()
    {
        var inner = new FakeEmbeddingGenerator((t, _) => Task.FromResult(t == "a" ? new[] { 1f, 0f } : [0f, 1f]));
        var embedder = Create(inner, new FakeTimeProvider());

        var a = await embedder.EmbedAsync("a", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var b = await embedder.EmbedAsync("b", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(2, inner.Calls);
        Assert.Equal([1f, 0f], a.Vector!);
        Assert.Equal([0f, 1f], b.Vector!);
    }

    [Fact]
    public async Task EmbedAsync_NotUnitLength_Normalised()
    {
        var embedder = Create(new FakeEmbeddingGenerator((_, _) => Task.FromResult(new[] { 3f, 4f })), new FakeTimeProvider());

        var outcome = await embedder.EmbedAsync("q", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0.6f, outcome.Vector![0], 5);
        Assert.Equal(0.8f, outcome.Vector[1], 5);
    }
}

using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using static AiProxy.FunctionalTests.Caching.CacheClient;

namespace AiProxy.FunctionalTests.Caching;

/// <summary>A request following an identical in-flight one waits on its own deadline, not the leader's.</summary>
public sealed class CoalescingDeadlineTests : IAsyncLifetime
{
    private ProxyTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await ProxyTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    private HttpClient Client => _env.Proxy.Client;

    /// <summary>Starts a leader whose upstream answers slowly; the returned source cancels it (the test ends without waiting for it).</summary>
    private async Task<(Task<HttpResponseMessage> Leader, CancellationTokenSource Cancel)> StartSlowLeaderAsync(string body, params (string Name, string Value)[] headers)
    {
        var cancel = new CancellationTokenSource();
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        var leader = Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await _env.Upstream.WaitForRequestAsync(0, TimeSpan.FromSeconds(10));
        return (leader, cancel);
    }

    [Fact]
    public async Task Follower_ClientTimeoutShorterThanTheLeader_Gets504AtItsOwnDeadline()
    {
        var (leader, cancel) = await StartSlowLeaderAsync(Chat("slow leader"), (MockHeaders.DelayMs, "30000"));
        using (cancel)
        {
            var follower = await ChatAsync(Client, Chat("slow leader"), ("x-stainless-timeout", "1"));

            Assert.Equal(504, follower.Status);
            Assert.Contains("\"code\":\"upstream_timeout\"", follower.Body, StringComparison.Ordinal);
            Assert.False(leader.IsCompleted, "the follower must not have waited for the leader");
            Assert.Equal(1, _env.Upstream.RequestCount);
            await cancel.CancelAsync();
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
    }

    [Fact]
    public async Task StreamingFollower_DeadlineMidStream_EndsWithAnErrorEventNotDone()
    {
        var (leader, cancel) = await StartSlowLeaderAsync(Chat("slow stream", stream: true), (MockHeaders.Chunks, "20"), (MockHeaders.ChunkDelayMs, "400"));
        using (cancel)
        {
            var follower = await ChatAsync(Client, Chat("slow stream", stream: true), ("x-stainless-read-timeout", "2"));

            Assert.Equal(200, follower.Status);
            Assert.Contains("upstream_timeout", follower.Events[^1], StringComparison.Ordinal);
            Assert.DoesNotContain(follower.Events, e => e.Contains("[DONE]", StringComparison.Ordinal));
            Assert.False(_env.Upstream.Requests[0].Finished, "the leader's upstream stream is still running");
            await cancel.CancelAsync();
        }
    }

    [Fact]
    public async Task Follower_WithoutItsOwnTimeout_StillGetsTheLeadersAnswer()
    {
        var (leader, cancel) = await StartSlowLeaderAsync(Chat("patient"), (MockHeaders.DelayMs, "1000"));
        using (cancel)
        {
            var follower = await ChatAsync(Client, Chat("patient"), ("x-stainless-timeout", "60"));
            using var first = await leader;

            Assert.Equal((200, "hit"), (follower.Status, follower.Cache));
            Assert.Equal(1, _env.Upstream.RequestCount);
        }
    }
}

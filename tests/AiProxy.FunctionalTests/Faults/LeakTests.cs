using System.Collections.Concurrent;
using System.Net;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>Runs alone: its managed-memory readings would otherwise include the allocations of tests running beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LeakCheckCollection
{
    public const string Name = "Leak checks";
}

/// <summary>
/// Each upstream and client fault, 200 times through an in-process proxy: every answer is a correct answer or an
/// OpenAI-style error, the open connections (client to proxy, proxy to upstream) stay bounded by the concurrency instead of
/// growing with the count, managed memory after a full GC does not grow with the count, and the proxy then serves normally.
/// </summary>
[Collection(LeakCheckCollection.Name)]
public sealed class LeakTests(ITestOutputHelper output)
{
    private const int Repeats = 200;
    private const int Concurrency = 8;
    private const int WarmUp = 24;

    /// <summary>Connections a pool may keep open for <see cref="Concurrency"/> callers (retries and fresh connections included).</summary>
    private const int MaxPooledConnections = 2 * Concurrency + 4;

    /// <summary>
    /// Managed heap growth allowed over the repeats: 20 KB a fault, less than what one leaked request holds (its context,
    /// features, upstream response and buffers). Readings vary by about ±1 MB between runs (thread-local pool caches), so a
    /// leak of a few small objects per request is below what this can see.
    /// </summary>
    private const long MaxHeapGrowthPerFault = 20 * 1024;

    /// <param name="Every">The fault hits every n-th upstream call and the test sends n times as many requests: a 5xx-like fault on
    /// every call opens the provider's and the key's breakers (5 in a row, for 30 s) and the test would measure the breaker's
    /// fast 503s instead of the fault.</param>
    private sealed record Fault(string Config, Func<int, MockBehavior?> Mock, Func<HttpRequestMessage> Request, Action<HttpStatusCode, string> Check,
        bool DisconnectAfterFirstEvent = false, int Every = 1, string Timeout = "30s", int Workers = Concurrency, int Count = Repeats);

    private static readonly Dictionary<string, Fault> Faults = new()
    {
        ["upstream resets before headers"] = new(""","Retry":{"MaxAttempts":1}""", call => call % 3 == 0 ? new MockBehavior { AbortAfterChunks = 0 } : null,
            () => FaultClient.Chat(), AssertAnswerOrUpstreamError, Every: 3),
        ["upstream aborts mid-stream"] = new("", _ => new MockBehavior { AbortAfterChunks = 2 },
            () => FaultClient.Chat(stream: true), static (status, body) =>
            {
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Contains("upstream_stream_error", body, StringComparison.Ordinal);
            }),
        ["in-band error before the first event (retried)"] = new(""","Retry":{"MaxAttempts":3,"BaseDelay":"1ms"}""",
            call => call % 3 == 0 ? new MockBehavior { ErrorAfterChunks = 0 } : null,
            () => FaultClient.Chat(stream: true), static (status, body) =>
            {
                Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
                Assert.True(body.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal) || body.StartsWith("data: {\"error\"", StringComparison.Ordinal), body);
            }, Every: 3),
        ["garbage 200"] = new("", _ => new MockBehavior { Body = "<html>not json"u8.ToArray(), ContentType = "application/json" },
            () => FaultClient.Chat(), static (status, body) => Assert.True(status == HttpStatusCode.OK && body == "<html>not json", $"{(int)status} {body}")),
        ["upstream slow past the deadline"] = new(""","Retry":{"MaxAttempts":1}""", call => call % 3 == 0 ? new MockBehavior { Delay = TimeSpan.FromSeconds(5) } : null,
            // One caller: concurrent callers all end up waiting on slow calls at once, and their timeouts in a row open the
            // breaker (as they should), after which the test would see fast 503s instead of timeouts.
            () => FaultClient.Chat(), AssertAnswerOrUpstreamError, Every: 3, Timeout: "100ms", Workers: 1, Count: 60),
        ["client disconnects mid-stream"] = new("", _ => new MockBehavior { Chunks = 100, ChunkDelay = TimeSpan.FromMilliseconds(20) },
            () => FaultClient.Chat(stream: true), static (status, body) => Assert.True(status == HttpStatusCode.OK && body.StartsWith("data: {\"id\"", StringComparison.Ordinal), $"{(int)status} {body}"),
            DisconnectAfterFirstEvent: true),
        ["pass-through answer (unobserved, drain-aware)"] = new("", _ => null,
            () => new HttpRequestMessage(HttpMethod.Get, "v1/files"), static (status, body) => Assert.True(status == HttpStatusCode.NotFound && body.Contains("\"error\"", StringComparison.Ordinal), $"{(int)status} {body}")),
    };

    public static TheoryData<string> FaultNames => [.. Faults.Keys];

    /// <summary>A normal answer, or for a failed upstream call the proxy's OpenAI-style 502/504 (503 if the breaker opened after all).</summary>
    private static void AssertAnswerOrUpstreamError(HttpStatusCode status, string body)
    {
        if (status == HttpStatusCode.OK)
        {
            Assert.Contains("\"choices\"", body, StringComparison.Ordinal);
            return;
        }
        Assert.True(status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"{(int)status} {body}");
        Assert.StartsWith("{\"error\":{", body, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(FaultNames))]
    public async Task Fault_Repeated200Times_NoConnectionOrMemoryGrowth_ThenServesNormally(string name)
    {
        var fault = Faults[name];
        var calls = 0;
        var faulting = false; // on after a normal warm-up; off after the repeats, when the proxy must recover on its own
        var mock = new MockUpstreamOptions
        {
            Behavior = _ => Volatile.Read(ref faulting) ? fault.Mock(Interlocked.Increment(ref calls)) : null,
            RecordRequests = false, // the mock's request log (headers, bodies) lives in this process too
        };
        var upstream = await MockUpstreamServer.StartAsync(mock);
        // No log capture: the test harness keeps every captured line in memory, which would read as a leak.
        await using var env = ProxyTestEnvironment.Wrap(upstream, await ProxyServer.StartAsync(
            FaultClient.Config(upstream.V1, fault.Config).Replace("\"Keys\"", $"\"Timeout\":\"{fault.Timeout}\",\"Keys\"", StringComparison.Ordinal),
            static builder => builder.Logging.ClearProviders()));
        // No drain of an unread body on dispose: a client that leaves closes its connection, as the disconnect fault needs.
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency, MaxResponseDrainSize = 0 }) { BaseAddress = env.Proxy.BaseUrl };
        var (proxyPort, upstreamPort) = (env.Proxy.BaseUrl.Port, env.Upstream.V1.Port);

        // Compiled code paths first: a cold first request can take longer than the slow fault's 100 ms deadline.
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            using var request = FaultClient.Chat();
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));
        Volatile.Write(ref faulting, true);
        await RunAsync(client, fault, WarmUp * fault.Every, new());
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var statuses = new ConcurrentDictionary<int, int>();
        await RunAsync(client, fault, fault.Count * fault.Every, statuses);
        var toUpstream = await SettledAsync(() => TcpConnections.EstablishedTo(upstreamPort));
        var atProxy = await SettledAsync(() => TcpConnections.EstablishedAt(proxyPort));
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        Volatile.Write(ref faulting, false);

        output.WriteLine($"{name}: {fault.Count} faults ({string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Value}x{p.Key}"))}); open connections proxy->upstream {toUpstream}, client->proxy {atProxy}; managed heap {heapGrowth / 1024.0:F0} KB");
        Assert.True(toUpstream <= MaxPooledConnections, $"{toUpstream} connections to the upstream stay open after {fault.Count} faults");
        Assert.True(atProxy <= MaxPooledConnections, $"{atProxy} client connections stay open at the proxy after {fault.Count} faults");
        Assert.True(heapGrowth < fault.Count * MaxHeapGrowthPerFault, $"managed heap grew by {heapGrowth / 1024} KB over {fault.Count} faults");
        await RecoversAsync(env.Proxy);
    }

    /// <summary>Normal requests succeed again once the fault is gone (after the provider's breaker, if it opened, lets a probe through).</summary>
    private static async Task RecoversAsync(ProxyServer proxy)
    {
        for (var i = 0; i < 350; i++)
        {
            using var request = FaultClient.Chat();
            using var response = await proxy.Client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Contains("\"choices\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the proxy did not recover within 35 s of the fault ending (the breaker opens for 30 s at most)");
    }

    private static async Task RunAsync(HttpClient client, Fault fault, int count, ConcurrentDictionary<int, int> statuses)
    {
        var next = -1;
        var workers = Enumerable.Range(0, fault.Workers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var status = await OneAsync(client, fault).WaitAsync(TimeSpan.FromSeconds(30));
                statuses.AddOrUpdate((int)status, 1, static (_, n) => n + 1);
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task<HttpStatusCode> OneAsync(HttpClient client, Fault fault)
    {
        using var request = fault.Request();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!fault.DisconnectAfterFirstEvent)
        {
            fault.Check(response.StatusCode, await response.Content.ReadAsStringAsync());
            return response.StatusCode;
        }
        // Read the first event, then go away: the cancelled read makes the handler drop the connection (no drain).
        using var cancel = new CancellationTokenSource();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, cancel.Token);
        fault.Check(response.StatusCode, Encoding.UTF8.GetString(buffer, 0, read));
        await cancel.CancelAsync();
        try
        {
            _ = await stream.ReadAsync(buffer, cancel.Token);
        }
        catch (OperationCanceledException)
        {
        }
        return response.StatusCode;
    }

    /// <summary>The count once closing connections have closed: the lowest reading over a short wait (closes are asynchronous).</summary>
    private static async Task<int> SettledAsync(Func<int> count)
    {
        var lowest = count();
        for (var i = 0; i < 50 && lowest > MaxPooledConnections; i++)
        {
            await Task.Delay(100);
            lowest = Math.Min(lowest, count());
        }
        return lowest;
    }
}

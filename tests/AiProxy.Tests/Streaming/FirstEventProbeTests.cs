using System.IO.Pipelines;
using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class FirstEventProbeTests
{
    [Theory]
    [InlineData("data: {\"id\":1}\n\n", "Content")]
    [InlineData("data: {\"error\":{\"message\":\"x\"}}\n\n", "InBandError")]
    [InlineData(": OPENROUTER PROCESSING\n\ndata: {\"error\":{\"code\":502}}\n\n", "InBandError")]
    [InlineData(": keep-alive\r\n\r\ndata: {\"id\":1}\r\n\r\n", "Content")]
    [InlineData("event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\"}\n\n", "InBandError")]
    [InlineData("event: response.created\ndata: {\"type\":\"response.created\"}\n\n", "Content")]
    public void Classify_WholeFirstEvent_TellsContentFromError(string body, string expected)
        => Assert.Equal(Enum.Parse<FirstEventKind>(expected), FirstEventProbe.Classify(Encoding.UTF8.GetBytes(body), atEnd: false));

    [Theory]
    [InlineData("data: {\"id\":1}")]
    [InlineData(": comment only\n\n")]
    [InlineData("data: {\"id\":1}\r")]
    public void Classify_NoWholeDataEventYet_ReturnsNull(string body)
        => Assert.Null(FirstEventProbe.Classify(Encoding.UTF8.GetBytes(body), atEnd: false));

    [Theory]
    [InlineData("", "Failed")]
    [InlineData(": comment only\n\n", "Failed")]
    [InlineData("data: {\"id\":1}", "Content")]
    public void Classify_AtTheEnd_AnOpenDataEventCounts_CommentsDoNot(string body, string expected)
        => Assert.Equal(Enum.Parse<FirstEventKind>(expected), FirstEventProbe.Classify(Encoding.UTF8.GetBytes(body), atEnd: true));

    [Fact]
    public async Task ReadAsync_ContentFirst_HandsOnEveryByteInOrder()
    {
        const string body = "data: {\"id\":1}\n\ndata: {\"id\":2}\n\ndata: [DONE]\n\n";
        var (kind, held, _) = await FirstEventProbe.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), TimeSpan.FromSeconds(5), TimeProvider.System, default);

        Assert.Equal(FirstEventKind.Content, kind);
        using var reader = new StreamReader(held!);
        Assert.Equal(body, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task ReadAsync_ResetBeforeAnyEvent_IsFailed_AndTheBodyFailsTheSameWay()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(": hello\n\n"u8.ToArray());
        await pipe.Writer.CompleteAsync(new IOException("connection reset"));

        var (kind, held, error) = await FirstEventProbe.ReadAsync(pipe.Reader.AsStream(), TimeSpan.FromSeconds(5), TimeProvider.System, default);

        Assert.Equal(FirstEventKind.Failed, kind);
        Assert.Null(error);
        // Not retried (the last attempt), the stream goes on: it fails the same way, for the SSE writer to report.
        // (A pipe completed with an error throws at once, so nothing was held here.)
        await Assert.ThrowsAsync<IOException>(async () => _ = await held.ReadAsync(new byte[64]));
        held.Dispose();
    }

    [Theory]
    [InlineData(": OPENROUTER PROCESSING\n\ndata: {\"error\":{\"code\":429,\"message\":\"Rate limited\"}}\n\n", "{\"error\":{\"code\":429,\"message\":\"Rate limited\"}}")]
    [InlineData("event: error\ndata: {\"type\":\"error\",\"code\":\"insufficient_quota\"}\n\n", "{\"type\":\"error\",\"code\":\"insufficient_quota\"}")]
    [InlineData("data: {\"error\":{\"code\":401}}", "{\"error\":{\"code\":401}}")]
    public async Task ReadAsync_InBandErrorFirst_ReturnsItsDataToClassify_AndKeepsTheBytes(string body, string expectedData)
    {
        var (kind, held, error) = await FirstEventProbe.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), TimeSpan.FromSeconds(5), TimeProvider.System, default);

        Assert.Equal(FirstEventKind.InBandError, kind);
        Assert.Equal(expectedData, Encoding.UTF8.GetString(error!));
        using var reader = new StreamReader(held);
        Assert.Equal(body, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task ReadAsync_SlowFirstEvent_StopsHoldingAtTheTimeout_AndThePendingReadIsKept()
    {
        var time = new FakeTimeProvider();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(": processing\n\n"u8.ToArray());

        var probing = FirstEventProbe.ReadAsync(pipe.Reader.AsStream(), TimeSpan.FromSeconds(2), time, default).AsTask();
        await Task.Delay(100);
        Assert.False(probing.IsCompleted, "held although no time passed");
        for (var i = 0; i < 100 && !probing.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
        }
        var (kind, held, _) = await probing.WaitAsync(TimeSpan.FromSeconds(10));

        // The upstream answers later: the read that was pending at the timeout brings those bytes, nothing is lost.
        await pipe.Writer.WriteAsync("data: {\"id\":1}\n\n"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        Assert.Equal(FirstEventKind.Content, kind);
        using var reader = new StreamReader(held!);
        Assert.Equal(": processing\n\ndata: {\"id\":1}\n\n", await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class SseErrorEventWriterTests
{
    private static SseErrorEventWriter After(bool expectDone, params string[] events)
    {
        var writer = new SseErrorEventWriter(expectDone);
        foreach (var evt in events)
        {
            writer.OnEvent(Encoding.UTF8.GetBytes(evt));
        }
        return writer;
    }

    [Theory]
    [InlineData("data: [DONE]\n\n")]
    [InlineData("data: [DONE]\r\n\r\n")]
    [InlineData("data: {\"error\":{\"message\":\"boom\"}}\n\n")]
    public void UpstreamEnded_AfterProperEnd_WritesNothing(string last)
        => Assert.Null(After(expectDone: true, "data: {\"a\":1}\n\n", last).UpstreamEnded(openTail: false));

    [Fact]
    public void UpstreamEnded_WithoutDone_WritesErrorEventNeverDone()
    {
        var text = Encoding.UTF8.GetString(After(expectDone: true, "data: {\"a\":1}\n\n").UpstreamEnded(openTail: false)!);

        Assert.StartsWith("data: {\"error\":", text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"upstream_stream_error\"", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void UpstreamEnded_ProtocolWithoutDone_WritesNothing()
        => Assert.Null(After(expectDone: false, "event: response.completed\ndata: {}\n\n").UpstreamEnded(openTail: false));

    [Theory]
    [InlineData("data: {\"a\":1}", "\n\ndata: {\"error\":")]
    [InlineData("data: {\"a\":1}\n", "\ndata: {\"error\":")]
    [InlineData("data: {\"a\":1}\r", "\rdata: {\"error\":")]
    public void UpstreamEnded_OpenTail_StartsWithBlankLine(string tail, string expectedStart)
    {
        var text = Encoding.UTF8.GetString(After(expectDone: true, tail).UpstreamEnded(openTail: true)!);

        Assert.StartsWith(expectedStart, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "(timeout)")]
    [InlineData(false, "connection failed")]
    public void UpstreamFailed_WritesErrorEvent(bool timeout, string says)
    {
        var text = Encoding.UTF8.GetString(SseErrorEventWriter.UpstreamFailed(timeout));

        Assert.StartsWith("data: {\"error\":", text, StringComparison.Ordinal);
        Assert.Contains(says, text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OnEvent_KeepsEveryEvent()
        => Assert.Equal(7, new SseErrorEventWriter(true).OnEvent("data: x"u8.ToArray()));
}

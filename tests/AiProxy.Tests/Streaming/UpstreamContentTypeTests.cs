using System.Net.Http.Headers;
using AiProxy.Http;

namespace AiProxy.Tests.Streaming;

public sealed class UpstreamContentTypeTests
{
    private static HttpContent Content(string? contentType)
    {
        var content = new ByteArrayContent([]);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return content;
    }

    [Theory]
    [InlineData("text/event-stream", "text/event-stream")]
    [InlineData("text/event-stream; charset=utf-8", "text/event-stream")]
    [InlineData("Text/Event-Stream", "text/event-stream")]
    [InlineData("application/json", "application/json")]
    [InlineData("application/json;charset=utf-8", "application/json")]
    [InlineData("text/plain ; charset=us-ascii", "text/plain")]
    [InlineData("application/x-ndjson", "application/x-ndjson")]
    public void MediaTypeOf_RawHeader_TypeWithoutParameters(string header, string expected)
        => Assert.Equal(expected, UpstreamContentType.MediaTypeOf(Content(header)));

    [Fact]
    public void MediaTypeOf_NoHeader_Null() => Assert.Null(UpstreamContentType.MediaTypeOf(Content(null)));

    [Fact]
    public void MediaTypeOf_HeaderSetAsParsedValue_ReadsIt()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        Assert.True(UpstreamContentType.IsEventStream(content));
    }

    [Theory]
    [InlineData("text/event-stream", true)]
    [InlineData("text/event-stream;charset=utf-8", true)]
    [InlineData("text/event-streamx", false)]
    [InlineData("application/json", false)]
    public void IsEventStream_ByMediaType(string header, bool expected)
        => Assert.Equal(expected, UpstreamContentType.IsEventStream(Content(header)));
}

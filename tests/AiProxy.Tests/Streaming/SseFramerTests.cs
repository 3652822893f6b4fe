using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class SseFramerTests
{
    private static void Feed(SseFramer framer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(framer.GetReadBuffer());
        framer.Advance(bytes.Length);
    }

    /// <summary>Frames everything fed so far, keeping each event whole.</summary>
    private static List<string> FrameAll(SseFramer framer)
    {
        var events = new List<string>();
        while (framer.TryNext(out var evt))
        {
            events.Add(Encoding.UTF8.GetString(evt));
            framer.Commit(evt.Length);
        }
        return events;
    }

    private static string ReadyText(SseFramer framer)
    {
        var buffer = new byte[1 << 20];
        var n = framer.CopyReady(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Theory]
    [InlineData("\n\n")]
    [InlineData("\r\r")]
    [InlineData("\r\n\r\n")]
    [InlineData("\n\r\n")]
    public void TryNext_AnyBlankLineStyle_EndsAnEvent(string separator)
    {
        using var framer = new SseFramer();
        Feed(framer, "data: a" + separator + "data: b" + separator + "data: c");

        Assert.Equal(["data: a" + separator, "data: b" + separator], FrameAll(framer));
        Assert.True(framer.HasPartial);
        Assert.Equal("data: a" + separator + "data: b" + separator, ReadyText(framer));
    }

    [Fact]
    public void TryNext_SingleLineBreaks_StayInsideOneEvent()
    {
        using var framer = new SseFramer();
        Feed(framer, "event: response.created\ndata: {}\r\nid: 1\rdata: x\n\n");

        Assert.Equal(["event: response.created\ndata: {}\r\nid: 1\rdata: x\n\n"], FrameAll(framer));
    }

    [Fact]
    public void TryNext_CommentLines_PassThroughAsTheyCame()
    {
        using var framer = new SseFramer();
        Feed(framer, ": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\n");

        Assert.Equal([": OPENROUTER PROCESSING\n\n", "data: {\"a\":1}\n\n"], FrameAll(framer));
    }

    [Theory]
    [InlineData("data: a\n", "\ndata: b\n\n")]
    [InlineData("data: a\r\n", "\r\ndata: b\r\n\r\n")]
    [InlineData("data: a\r\n\r", "\ndata: b\r\n\r\n")]
    public void TryNext_BoundarySplitAcrossReads_IsFound(string first, string second)
    {
        using var framer = new SseFramer();
        Feed(framer, first);
        Assert.Empty(FrameAll(framer));

        Feed(framer, second);

        Assert.Equal(first + second, string.Concat(FrameAll(framer)));
        Assert.False(framer.HasPartial);
    }

    [Fact]
    public void Commit_ShorterLength_RemovesBytesAndKeepsTheRest()
    {
        using var framer = new SseFramer();
        Feed(framer, "data: 12345\n\ndata: b\n\ndata: c");

        Assert.True(framer.TryNext(out var first));
        first[7..].CopyTo(first[6..]); // drop one byte in place, as a trimming observer does
        framer.Commit(first.Length - 1);
        Assert.True(framer.TryNext(out var dropped));
        Assert.Equal("data: b\n\n", Encoding.UTF8.GetString(dropped));
        framer.Commit(0);
        Assert.False(framer.TryNext(out _));
        Assert.True(framer.TryTakeTail(out var tail));
        Assert.Equal("data: c", Encoding.UTF8.GetString(tail));
        framer.Commit(tail.Length);

        Assert.Equal("data: 2345\n\ndata: c", ReadyText(framer));
    }

    [Fact]
    public void DropPartial_ForgetsBytesAfterTheLastEvent()
    {
        using var framer = new SseFramer();
        Feed(framer, "data: a\n\ndata: {\"half\":");
        FrameAll(framer);

        framer.DropPartial();

        Assert.False(framer.HasPartial);
        Assert.False(framer.TryTakeTail(out _));
        Assert.Equal("data: a\n\n", ReadyText(framer));
    }

    [Fact]
    public void GetReadBuffer_LargeEvent_GrowsAndKeepsBytes()
    {
        using var framer = new SseFramer();
        var big = "data: " + new string('x', 100_000) + "\n\n";
        for (var at = 0; at < big.Length; at += 3000)
        {
            Feed(framer, big.Substring(at, Math.Min(3000, big.Length - at)));
            if (at + 3000 < big.Length)
            {
                Assert.Empty(FrameAll(framer));
            }
        }

        Assert.Equal([big], FrameAll(framer));
        Assert.Equal(big, ReadyText(framer));
        Assert.False(framer.HasReady);
    }

    [Fact]
    public void CopyReady_SmallDestination_HandsOutInPieces()
    {
        using var framer = new SseFramer();
        Feed(framer, "data: abcdef\n\n");
        FrameAll(framer);
        var piece = new byte[5];

        var parts = new List<string>();
        while (framer.HasReady)
        {
            parts.Add(Encoding.UTF8.GetString(piece, 0, framer.CopyReady(piece)));
        }

        Assert.Equal(["data:", " abcd", "ef\n\n"], parts);
    }
}

using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class SseEventStreamTests
{
    /// <summary>A source that returns scripted chunks, then ends or throws.</summary>
    private sealed class ScriptedStream(IEnumerable<string> chunks, Exception? failAtEnd = null) : Stream
    {
        private Queue<byte[]> _chunks = new(chunks.Select(Encoding.UTF8.GetBytes));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_chunks.Count == 0)
            {
                return failAtEnd is null ? new(0) : ValueTask.FromException<int>(failAtEnd);
            }
            var chunk = _chunks.Peek();
            var n = Math.Min(chunk.Length, buffer.Length);
            chunk.AsSpan(0, n).CopyTo(buffer.Span);
            _chunks.Dequeue();
            if (n < chunk.Length)
            {
                _chunks = new Queue<byte[]>(new[] { chunk[n..] }.Concat(_chunks));
            }
            return new(n);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get; set; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<(List<string> Reads, SseEventStream Stream)> ReadAll(IEnumerable<string> chunks, bool expectDone, Exception? fail = null)
    {
        var stream = SseEventStream.Create(new ScriptedStream(chunks, fail), expectDone, CancellationToken.None);
        var reads = new List<string>();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            reads.Add(Encoding.UTF8.GetString(buffer, 0, n));
        }
        return (reads, stream);
    }

    [Fact]
    public async Task ReadAsync_CompleteStream_PassesEventsThroughUnchanged()
    {
        var (reads, stream) = await ReadAll(["data: {\"a\":1}\n\n", "data: {\"a\":2}\n\n", "data: [DONE]\n\n"], expectDone: true);

        Assert.Equal(["data: {\"a\":1}\n\n", "data: {\"a\":2}\n\n", "data: [DONE]\n\n"], reads);
        Assert.True(stream.Completed);
        Assert.False(stream.Failed);
    }

    [Fact]
    public async Task ReadAsync_EventSplitAcrossReads_IsHandedOutWhole()
    {
        var (reads, _) = await ReadAll(["data: {\"a\"", ":1}\n", "\ndata: [DONE]\n\n"], expectDone: true);

        Assert.Equal("data: {\"a\":1}\n\ndata: [DONE]\n\n", string.Concat(reads));
        Assert.All(reads, r => Assert.EndsWith("\n\n", r, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\r\n\r\n")]
    [InlineData("\r\r")]
    [InlineData("\n\n")]
    public async Task ReadAsync_AnyBlankLineStyle_EndsAnEvent(string separator)
    {
        var (reads, stream) = await ReadAll(["data: x" + separator + "data: [DONE]" + separator], expectDone: true);

        Assert.Equal("data: x" + separator + "data: [DONE]" + separator, string.Concat(reads));
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task ReadAsync_UpstreamFailsMidEvent_DropsPartialEventAndEndsWithErrorEvent()
    {
        var (reads, stream) = await ReadAll(["data: {\"a\":1}\n\n", "data: {\"a\":"], expectDone: true, fail: new IOException("reset"));

        var text = string.Concat(reads);
        Assert.StartsWith("data: {\"a\":1}\n\ndata: {\"error\":", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{\"a\":\n", text, StringComparison.Ordinal);
        Assert.True(stream.Failed);
    }

    [Fact]
    public async Task ReadAsync_CleanCloseWithoutDone_EndsWithErrorEvent()
    {
        var (reads, stream) = await ReadAll(["data: {\"a\":1}\n\n"], expectDone: true);

        Assert.Contains("upstream_stream_error", string.Concat(reads), StringComparison.Ordinal);
        Assert.True(stream.Failed);
    }

    [Fact]
    public async Task ReadAsync_UpstreamErrorEventThenClose_AddsNoSecondError()
    {
        var (reads, _) = await ReadAll(["data: {\"a\":1}\n\n", "data: {\"error\":{\"message\":\"boom\"}}\n\n"], expectDone: true);

        var text = string.Concat(reads);
        Assert.Equal("data: {\"a\":1}\n\ndata: {\"error\":{\"message\":\"boom\"}}\n\n", text);
    }

    [Fact]
    public async Task ReadAsync_InjectedUsage_DropsUsageChunkAndNullUsageFieldsButRecordsUsage()
    {
        var route = new AiProxy.Routing.CompiledRoute { Name = "r", Index = 0, Models = [], Providers = [] };
        var feature = new AiProxy.Pipeline.AiRequestFeature(null!, AiProxy.Pipeline.AiOperation.ChatCompletions, route) { StripUsageChunk = true };
        var source = new ScriptedStream([
            "data: {\"id\":\"1\",\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n",
            "data: {\"id\":\"1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n",
            "data: [DONE]\n\n"]);
        var stream = SseEventStream.Create(source, expectDone: true, CancellationToken.None, feature);

        var text = await new StreamReader(stream).ReadToEndAsync();

        Assert.Equal("data: {\"id\":\"1\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n", text);
        Assert.Equal(new TokenUsage(3, 1, 0, 4), feature.Usage);
    }

    [Fact]
    public async Task ReadAsync_ResponsesApiWithoutDone_IsComplete()
    {
        var (reads, stream) = await ReadAll(["event: response.completed\ndata: {}\n\n"], expectDone: false);

        Assert.Equal("event: response.completed\ndata: {}\n\n", string.Concat(reads));
        Assert.True(stream.Completed);
    }

    [Fact]
    public async Task ReadAsync_LargeEvent_GrowsBuffer()
    {
        var big = "data: " + new string('x', 100_000) + "\n\n";
        var chunks = Enumerable.Range(0, 10).Select(i => big.Substring(i * 10_000, Math.Min(10_000, big.Length - i * 10_000))).ToList();
        chunks.Add(big[100_000..]);
        chunks.Add("data: [DONE]\n\n");

        var (reads, stream) = await ReadAll(chunks, expectDone: true);

        Assert.Equal(big + "data: [DONE]\n\n", string.Concat(reads));
        Assert.True(stream.Completed);
    }

    /// <summary>Logs what it sees under a name and drops events containing <c>drop</c>.</summary>
    private sealed class LoggingObserver(string name, List<string> log) : ISseEventObserver
    {
        public void OnStarted() => log.Add(name + ":start");

        public int OnEvent(Span<byte> evt)
        {
            var text = Encoding.UTF8.GetString(evt);
            log.Add(name + ":" + text.TrimEnd());
            return text.Contains("drop", StringComparison.Ordinal) ? 0 : evt.Length;
        }

        public void OnCompleted(bool success) => log.Add(name + ":" + (success ? "ok" : "failed"));
    }

    [Fact]
    public async Task ReadAsync_Observers_RunInOrderAndADroppedEventStopsTheChain()
    {
        var log = new List<string>();
        var stream = new SseEventStream(new ScriptedStream(["data: a\n\ndata: drop\n\n", "data: [DONE]\n\n"]),
            [new LoggingObserver("1", log), new LoggingObserver("2", log)], new SseErrorEventWriter(expectDone: true), CancellationToken.None);

        var text = await new StreamReader(stream).ReadToEndAsync();
        stream.Dispose();

        Assert.Equal("data: a\n\ndata: [DONE]\n\n", text);
        Assert.Equal(["1:start", "2:start", "1:data: a", "2:data: a", "1:data: drop", "1:data: [DONE]", "2:data: [DONE]", "1:ok", "2:ok"], log);
    }

    [Fact]
    public async Task ReadAsync_UpstreamFails_ObserversCompleteOnceAsFailed()
    {
        var log = new List<string>();
        var stream = new SseEventStream(new ScriptedStream(["data: a\n\n"], new IOException("reset")),
            [new LoggingObserver("o", log)], new SseErrorEventWriter(expectDone: true), CancellationToken.None);

        var text = await new StreamReader(stream).ReadToEndAsync();
        stream.Dispose();

        Assert.Contains("upstream_stream_error", text, StringComparison.Ordinal);
        Assert.Equal(["o:start", "o:data: a", "o:failed"], log);
    }

    [Fact]
    public async Task Dispose_BeforeTheEnd_CompletesObserversAsFailed()
    {
        var log = new List<string>();
        var stream = new SseEventStream(new ScriptedStream(["data: a\n\n", "data: b\n\n"]),
            [new LoggingObserver("o", log)], new SseErrorEventWriter(expectDone: true), CancellationToken.None);
        Assert.True(await stream.ReadAsync(new byte[64]) > 0);

        stream.Dispose();
        stream.Dispose();

        Assert.Equal(["o:start", "o:data: a", "o:failed"], log);
    }

    [Fact]
    public async Task ReadAsync_CleanCloseInsideAnEvent_ErrorEventStartsOnItsOwnEvent()
    {
        var (reads, stream) = await ReadAll(["data: {\"a\":1}\n\n", "data: {\"a\":2}\n"], expectDone: true);

        Assert.StartsWith("data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: {\"error\":", string.Concat(reads), StringComparison.Ordinal);
        Assert.True(stream.Failed);
    }

    [Fact]
    public async Task ReadAsync_RequestObservers_SeeWhatTheClientGets()
    {
        var recorder = new RecordingObserver();
        var request = new ObserverTestRequest { StripUsageChunk = true, Observers = [recorder] };
        var source = new ScriptedStream([
            "data: {\"choices\":[{\"delta\":{}}],\"usage\":null}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n",
            "data: [DONE]\n\n"]);
        var stream = SseEventStream.Create(source, expectDone: true, CancellationToken.None, request);

        var text = await new StreamReader(stream).ReadToEndAsync();

        Assert.Equal(text, string.Concat(recorder.Data));
        Assert.Equal([true], recorder.Completions);
        Assert.Equal(new TokenUsage(3, 1, 0, 4), request.Usage);
    }

    [Fact]
    public async Task ReadAsync_StreamsEndingFiresDuringAPendingRead_EndsWithShutdownErrorEventAndNoDone()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync("data: {\"a\":1}\n\ndata: {\"a\":"u8.ToArray());
        using var ending = new CancellationTokenSource();
        var stream = SseEventStream.Create(pipe.Reader.AsStream(), expectDone: true, CancellationToken.None, streamsEnding: ending.Token);
        var buffer = new byte[4096];
        var first = Encoding.UTF8.GetString(buffer, 0, await stream.ReadAsync(buffer));

        var pending = stream.ReadAsync(buffer).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        ending.Cancel();
        var rest = Encoding.UTF8.GetString(buffer, 0, await pending.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("data: {\"a\":1}\n\n", first);
        Assert.StartsWith("data: {\"error\":", rest, StringComparison.Ordinal);
        Assert.Contains("server_shutting_down", rest, StringComparison.Ordinal);
        Assert.Equal(0, await stream.ReadAsync(buffer));
        Assert.True(stream.Failed);
    }
}

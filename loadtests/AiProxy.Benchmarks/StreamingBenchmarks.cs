using AiProxy.Streaming;
using BenchmarkDotNet.Attributes;

namespace AiProxy.Benchmarks;

/// <summary>Per-response work: SSE event framing of a streamed answer, and the usage read of a JSON answer.</summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private readonly byte[] _buffer = new byte[16 * 1024];

    [Benchmark(Description = "SSE framing (22 events + [DONE])")]
    public async Task<long> SseFraming()
    {
        await using var stream = SseEventStream.Create(new MemoryStream(Payloads.SseBody, writable: false), expectDone: true, CancellationToken.None);
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(_buffer)) > 0)
        {
            total += n;
        }
        return total;
    }

    [Benchmark(Description = "usage read of a JSON answer")]
    public long UsageRead() => TokenUsage.TryRead(Payloads.ChatResponse, out var usage) ? usage.Total : -1;

    // The same answer with a second "usage" name ahead of the real one: the reader walks the whole body, as every
    // answer did before the only-usage-object read.
    [Benchmark(Description = "usage read, whole-body walk")]
    public long UsageReadWholeBody() => TokenUsage.TryRead(Payloads.ChatResponseTwoUsageNames, out var usage) ? usage.Total : -1;
}

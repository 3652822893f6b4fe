using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

/// <summary>The request side the response streams see, and a recorder standing in for the cache.</summary>
internal sealed class ObserverTestRequest : IUpstreamResponseFeature
{
    public TokenUsage? Usage { get; set; }

    public bool StripUsageChunk { get; set; }

    public List<IUpstreamResponseObserver>? Observers { get; set; }
}

internal sealed class RecordingObserver : IUpstreamResponseObserver
{
    public List<string> Data { get; } = [];

    public List<bool> Completions { get; } = [];

    public void OnStarted(int statusCode, string? contentType, bool isEventStream)
    {
    }

    public void OnData(ReadOnlySpan<byte> data) => Data.Add(System.Text.Encoding.UTF8.GetString(data));

    public void OnCompleted(bool success) => Completions.Add(success);
}

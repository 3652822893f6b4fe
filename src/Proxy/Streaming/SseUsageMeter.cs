namespace AiProxy.Streaming;

/// <summary>Reads the token usage an SSE answer reports (the chat <c>include_usage</c> chunk, <c>response.completed</c>) into the request.</summary>
internal sealed class SseUsageMeter : ISseEventObserver
{
    private readonly IUpstreamResponseFeature _request;

    public SseUsageMeter(IUpstreamResponseFeature request) => _request = request;

    public void OnStarted()
    {
    }

    public int OnEvent(Span<byte> evt)
    {
        var data = SseEvents.DataOf(evt);
        if (!data.IsEmpty && data[0] == (byte)'{' && TokenUsage.TryRead(data, out var usage))
        {
            _request.Usage = usage;
        }
        return evt.Length;
    }

    public void OnCompleted(bool success)
    {
    }
}

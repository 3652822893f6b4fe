using AiProxy.Pipeline;
using AiProxy.Streaming;

namespace AiProxy.Caching;

/// <summary>
/// Adapts recorded chat/completions events to the replaying client's <c>stream_options.include_usage</c>: drops the usage
/// chunk it did not ask for, or adds one (from the original usage) before <c>[DONE]</c> when the recording has none.
/// </summary>
internal sealed class SseReplayFilter
{
    public static readonly SseReplayFilter PassThrough = new(AiOperation.Responses, includeUsage: false);

    private readonly bool _active;
    private readonly bool _includeUsage;
    private byte[]? _firstChunk;
    private bool _sawUsage;

    public SseReplayFilter(AiOperation operation, bool includeUsage)
    {
        _active = operation is AiOperation.ChatCompletions or AiOperation.Completions;
        _includeUsage = includeUsage;
    }

    /// <summary>Whether to write <paramref name="evt"/>, and an event to write before it.</summary>
    public (bool Write, byte[]? Before) Next(byte[] evt, TokenUsage? usage)
    {
        if (!_active)
        {
            return (true, null);
        }
        if (SseEvents.IsUsageChunk(evt))
        {
            _sawUsage = true;
            return (_includeUsage, null);
        }
        if (SseEvents.IsDone(evt))
        {
            return _includeUsage && !_sawUsage && usage is { } u && _firstChunk is not null
                ? (true, ResponseConverter.UsageChunk(_firstChunk, u))
                : (true, null);
        }
        if (_firstChunk is null)
        {
            var data = SseEvents.DataOf(evt);
            if (!data.IsEmpty && data[0] == (byte)'{')
            {
                _firstChunk = evt;
            }
        }
        return (true, null);
    }
}

using System.ComponentModel;
using AiProxy.Streaming;

namespace AiProxy.Caching;

/// <summary>
/// A completed 200 answer as the client received it: the SSE events with their original boundaries, or the JSON body.
/// Immutable, so the hybrid cache hands the same instance to every L1 hit without deserializing. No upstream headers are
/// kept (request ids, rate-limit state and auth are per call, not per answer).
/// </summary>
[ImmutableObject(true)]
internal sealed class CachedResponse
{
    public CachedResponse(string contentType, bool isEventStream, byte[][] segments, TokenUsage? usage, long createdUnixMilliseconds)
    {
        ContentType = contentType;
        IsEventStream = isEventStream;
        Segments = segments;
        Usage = usage;
        CreatedUnixMilliseconds = createdUnixMilliseconds;
    }

    /// <summary>Gets the upstream's content type (media type and parameters).</summary>
    public string ContentType { get; }

    /// <summary>Gets a value indicating whether the answer was an SSE stream.</summary>
    public bool IsEventStream { get; }

    /// <summary>Gets the SSE events (each whole, blank line included) or a single JSON body.</summary>
    public byte[][] Segments { get; }

    /// <summary>Gets the usage the upstream reported for the original call.</summary>
    public TokenUsage? Usage { get; }

    public long CreatedUnixMilliseconds { get; }

    /// <summary>Gets the total payload size in bytes.</summary>
    public long Size
    {
        get
        {
            long size = 0;
            foreach (var segment in Segments)
            {
                size += segment.Length;
            }
            return size;
        }
    }
}

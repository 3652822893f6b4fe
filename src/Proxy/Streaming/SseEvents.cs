using System.Buffers;
using System.Text.Json;

namespace AiProxy.Streaming;

/// <summary>Small helpers over whole SSE events as OpenAI-style servers send them (one <c>data:</c> line per event).</summary>
internal static class SseEvents
{
    public static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>The payload of an event's <c>data:</c> line.</summary>
    public static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> evt)
    {
        var at = evt.StartsWith("data:"u8) ? 0 : evt.IndexOf("\ndata:"u8) is var i and >= 0 ? i + 1 : -1;
        if (at < 0)
        {
            return default;
        }
        var data = evt[(at + 5)..];
        if (!data.IsEmpty && data[0] == (byte)' ')
        {
            data = data[1..];
        }
        var eol = data.IndexOfAny((byte)'\r', (byte)'\n');
        return eol < 0 ? data : data[..eol];
    }

    /// <summary>Whether the event's <c>data:</c> payload starts with <paramref name="prefix"/> (without looking for its end).</summary>
    public static bool DataStartsWith(ReadOnlySpan<byte> evt, ReadOnlySpan<byte> prefix)
    {
        var at = evt.StartsWith("data:"u8) ? 0 : evt.IndexOf("\ndata:"u8) is var i and >= 0 ? i + 1 : -1;
        if (at < 0)
        {
            return false;
        }
        var data = evt[(at + 5)..];
        return (!data.IsEmpty && data[0] == (byte)' ' ? data[1..] : data).StartsWith(prefix);
    }

    public static bool IsDone(ReadOnlySpan<byte> evt) => DataOf(evt).SequenceEqual("[DONE]"u8);

    /// <summary>The chat/completions <c>include_usage</c> chunk: no choices, a usage object.</summary>
    public static bool IsUsageChunk(ReadOnlySpan<byte> evt)
    {
        var data = DataOf(evt);
        return data.IndexOf("\"choices\":[]"u8) >= 0 && data.IndexOf("\"usage\":{"u8) >= 0;
    }

    /// <summary>Writes <c>data: {json}\n\n</c> (with an <c>event:</c> line when given) built by <paramref name="write"/>.</summary>
    public static byte[] Create<TState>(string? eventType, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        if (eventType is not null)
        {
            Append(buffer, "event: "u8);
            Append(buffer, System.Text.Encoding.UTF8.GetBytes(eventType));
            Append(buffer, "\n"u8);
        }
        Append(buffer, "data: "u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }
        Append(buffer, "\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}

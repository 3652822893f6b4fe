using AiProxy.Streaming;
using System.Text.Json;

namespace AiProxy.Caching;

internal static partial class ResponseConverter
{
    /// <summary>Responses API events → the <c>response</c> object of <c>response.completed</c>.</summary>
    private static byte[]? ResponsesToJson(IReadOnlyList<byte[]> events)
    {
        for (var i = events.Count - 1; i >= 0; i--)
        {
            var data = SseEvents.DataOf(events[i]);
            if (data.IsEmpty || data[0] != (byte)'{' || data.IndexOf("\"response.completed\""u8) < 0)
            {
                continue;
            }
            using var document = JsonDocument.Parse(data.ToArray());
            var root = document.RootElement;
            if (root.TryGetProperty("type", out var type) && type.ValueEquals("response.completed")
                && root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
            {
                return Write(response, static (w, r) => r.WriteTo(w));
            }
        }
        return null;
    }

    /// <summary>A Responses API body → <c>response.created</c>, one <c>response.output_text.delta</c> per text part, <c>response.completed</c>.</summary>
    private static byte[][]? ResponsesToEvents(JsonElement response)
    {
        if (!response.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var events = new List<byte[]>();
        var sequence = 0;
        events.Add(SseEvents.Create("response.created", (Response: response, Sequence: sequence++), static (w, s) => WriteCreated(w, s.Response, s.Sequence)));
        AddTextDeltas(events, output, ref sequence);
        events.Add(SseEvents.Create("response.completed", (Response: response, Sequence: sequence), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "response.completed");
            w.WriteNumber("sequence_number"u8, s.Sequence);
            w.WritePropertyName("response"u8);
            s.Response.WriteTo(w);
            w.WriteEndObject();
        }));
        return [.. events];
    }

    /// <summary><c>response.created</c>: the response as it was at the start (in progress, no output, no usage).</summary>
    private static void WriteCreated(Utf8JsonWriter w, JsonElement response, int sequence)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "response.created");
        w.WriteNumber("sequence_number"u8, sequence);
        w.WriteStartObject("response"u8);
        foreach (var property in response.EnumerateObject())
        {
            if (property.NameEquals("status"))
            {
                w.WriteString("status"u8, "in_progress");
            }
            else if (property.NameEquals("output"))
            {
                w.WriteStartArray("output"u8);
                w.WriteEndArray();
            }
            else if (property.NameEquals("usage"))
            {
                w.WriteNull("usage"u8);
            }
            else
            {
                property.WriteTo(w);
            }
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>One <c>response.output_text.delta</c> per <c>output_text</c> part of each output item.</summary>
    private static void AddTextDeltas(List<byte[]> events, JsonElement output, ref int sequence)
    {
        var outputIndex = 0;
        foreach (var item in output.EnumerateArray())
        {
            if (item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                var itemId = item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                var contentIndex = 0;
                foreach (var part in content.EnumerateArray())
                {
                    if (part.TryGetProperty("type", out var partType) && partType.ValueEquals("output_text")
                        && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        events.Add(SseEvents.Create("response.output_text.delta", (ItemId: itemId, OutputIndex: outputIndex, ContentIndex: contentIndex, Text: text, Sequence: sequence++), static (w, s) =>
                        {
                            w.WriteStartObject();
                            w.WriteString("type"u8, "response.output_text.delta");
                            w.WriteNumber("sequence_number"u8, s.Sequence);
                            w.WriteString("item_id"u8, s.ItemId);
                            w.WriteNumber("output_index"u8, s.OutputIndex);
                            w.WriteNumber("content_index"u8, s.ContentIndex);
                            w.WritePropertyName("delta"u8);
                            s.Text.WriteTo(w);
                            w.WriteEndObject();
                        }));
                    }
                    contentIndex++;
                }
            }
            outputIndex++;
        }
    }
}

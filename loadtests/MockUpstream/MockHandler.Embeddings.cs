using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AiProxy.MockUpstream;

internal sealed partial class MockHandler
{
    private const int DefaultDimensions = 8;

    private Task WriteEmbeddingsAsync(Call call)
    {
        var body = call.Body;
        if (body.Inputs.Count == 0)
        {
            return WriteErrorAsync(call, 400, "'input' is a required property", "invalid_request_error", null, "input");
        }
        var dimensions = body.Dimensions ?? DefaultDimensions;
        var raw = call.Raw;

        var vector = new float[dimensions];
        var buffer = new ArrayBufferWriter<byte>(256 + body.Inputs.Count * dimensions * 12);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object"u8, "list"u8);
            w.WriteStartArray("data"u8);
            for (var i = 0; i < body.Inputs.Count; i++)
            {
                Embed(raw.AsSpan()[body.Inputs[i]], vector);
                w.WriteStartObject();
                w.WriteString("object"u8, "embedding"u8);
                w.WriteNumber("index"u8, i);
                if (body.Base64)
                {
                    w.WriteBase64String("embedding"u8, MemoryMarshal.AsBytes(vector.AsSpan()));
                }
                else
                {
                    w.WriteStartArray("embedding"u8);
                    foreach (var x in vector) w.WriteNumberValue(x);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("model"u8, call.Model);
            w.WriteStartObject("usage"u8);
            w.WriteNumber("prompt_tokens"u8, body.PromptTokens);
            w.WriteNumber("total_tokens"u8, body.PromptTokens);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        SetHeaders(call, call.Plan.Status, "application/json");
        return WriteBodyAsync(call, buffer.WrittenMemory);
    }

    /// <summary>A unit vector seeded by an FNV-1a hash of the input's raw JSON: equal inputs give equal vectors.</summary>
    internal static void Embed(ReadOnlySpan<byte> input, Span<float> vector)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in input)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        double norm = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            // splitmix64 step: decorrelates consecutive dimensions.
            var z = hash += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var x = (float)((z >> 40) / (double)(1UL << 24) * 2 - 1);
            vector[i] = x;
            norm += x * x;
        }
        var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        for (var i = 0; i < vector.Length; i++) vector[i] *= scale;
    }
}

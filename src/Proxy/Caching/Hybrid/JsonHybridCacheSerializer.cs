using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Caching.Hybrid;

/// <summary>The fallback for types without a registered serializer; the proxy's own payloads register source-generated or custom serializers instead.</summary>
internal sealed class JsonHybridCacheSerializer<T> : IHybridCacheSerializer<T>
{
    public static readonly JsonHybridCacheSerializer<T> Instance = new();

    public T Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        return JsonSerializer.Deserialize<T>(ref reader)!;
    }

    public void Serialize(T value, IBufferWriter<byte> target)
    {
        using var writer = new Utf8JsonWriter(target);
        JsonSerializer.Serialize(writer, value);
    }
}

using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Caching.Hybrid;

/// <summary>Raw bytes; every deserialization returns a fresh array because arrays are mutable.</summary>
internal sealed class ByteArraySerializer : IHybridCacheSerializer<byte[]>
{
    public static readonly ByteArraySerializer Instance = new();

    public byte[] Deserialize(ReadOnlySequence<byte> source) => source.ToArray();

    public void Serialize(byte[] value, IBufferWriter<byte> target) => target.Write(value);
}

using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Caching.Hybrid;

/// <summary>Raw bytes as <see cref="ReadOnlyMemory{T}"/>; L1 hits bypass this and slice the cached buffer without copying.</summary>
internal sealed class ReadOnlyMemorySerializer : IHybridCacheSerializer<ReadOnlyMemory<byte>>
{
    public static readonly ReadOnlyMemorySerializer Instance = new();

    public ReadOnlyMemory<byte> Deserialize(ReadOnlySequence<byte> source) => source.IsSingleSegment ? source.First : source.ToArray();

    public void Serialize(ReadOnlyMemory<byte> value, IBufferWriter<byte> target) => target.Write(value.Span);
}

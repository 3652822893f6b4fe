using System.Buffers;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Caching.Hybrid;

/// <summary>UTF-8 strings, stored without any framing.</summary>
internal sealed class StringSerializer : IHybridCacheSerializer<string>
{
    public static readonly StringSerializer Instance = new();

    public string Deserialize(ReadOnlySequence<byte> source) => Encoding.UTF8.GetString(source);

    public void Serialize(string value, IBufferWriter<byte> target) => Encoding.UTF8.GetBytes(value, target);
}

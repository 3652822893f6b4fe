using System.Buffers.Binary;
using System.Text;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// The prompt and the answer's cache key packed in one byte array (one object per entry instead of three): UTF-8
/// text, then the key; a key ending in 64 lower-case hex digits (the exact cache's SHA-256 keys) stores those as 32 bytes.
/// </summary>
internal static class EntryPayload
{
    private const byte PlainKey = 0;
    private const byte HexTailKey = 1;
    private const int HexLength = 64;

    public static byte[] Encode(string text, string answerKey)
    {
        var textBytes = Encoding.UTF8.GetByteCount(text);
        var hexTail = HasHexTail(answerKey);
        var prefix = hexTail ? answerKey.AsSpan(0, answerKey.Length - HexLength) : answerKey.AsSpan();
        var prefixBytes = Encoding.UTF8.GetByteCount(prefix);
        var payload = new byte[4 + textBytes + 1 + 4 + prefixBytes + (hexTail ? 32 : 0)];
        var span = payload.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, textBytes);
        Encoding.UTF8.GetBytes(text, span.Slice(4, textBytes));
        span = span[(4 + textBytes)..];
        span[0] = hexTail ? HexTailKey : PlainKey;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], prefixBytes);
        Encoding.UTF8.GetBytes(prefix, span.Slice(5, prefixBytes));
        if (hexTail)
        {
            Convert.FromHexString(answerKey.AsSpan(answerKey.Length - HexLength), span[(5 + prefixBytes)..], out _, out _);
        }

        return payload;
    }

    public static string Text(byte[] payload)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(payload);
        return Encoding.UTF8.GetString(payload, 4, length);
    }

    public static string AnswerKey(byte[] payload)
    {
        var span = payload.AsSpan(4 + BinaryPrimitives.ReadInt32LittleEndian(payload));
        var prefixBytes = BinaryPrimitives.ReadInt32LittleEndian(span[1..]);
        var prefix = Encoding.UTF8.GetString(span.Slice(5, prefixBytes));
        return span[0] == HexTailKey ? prefix + Convert.ToHexStringLower(span.Slice(5 + prefixBytes, 32)) : prefix;
    }

    private static bool HasHexTail(string key)
    {
        if (key.Length < HexLength)
        {
            return false;
        }

        foreach (var c in key.AsSpan(key.Length - HexLength))
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}

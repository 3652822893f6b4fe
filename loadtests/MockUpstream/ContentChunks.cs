using System.Collections.Concurrent;

namespace AiProxy.MockUpstream;

/// <summary>Deterministic assistant text split into chunks; default splits are cached because they are on the load-test hot path.</summary>
internal static class ContentChunks
{
    private static readonly string[] Words =
        ["Hello", " from", " the", " AiProxy", " mock", " upstream", ".", " This", " reply", " is", " deterministic", "."];

    private static readonly ConcurrentDictionary<(int Chunks, int Bytes), (string[] Chunks, string Text)> Cache = new();

    public static (string[] Chunks, string Text) Get(int chunks, int contentBytes, string? content)
    {
        chunks = Math.Max(chunks, 1);
        if (content is not null) return Split(content, chunks);
        return Cache.GetOrAdd((chunks, contentBytes), static key => key.Bytes > 0 ? Split(Filler(key.Bytes), key.Chunks) : FromWords(key.Chunks));
    }

    private static (string[], string) FromWords(int chunks)
    {
        var parts = new string[chunks];
        for (var i = 0; i < chunks; i++) parts[i] = Words[i % Words.Length];
        return (parts, string.Concat(parts));
    }

    private static string Filler(int bytes)
    {
        const string alphabet = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
        return string.Create(bytes, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[i % alphabet.Length];
        });
    }

    private static (string[], string) Split(string text, int chunks)
    {
        var parts = new string[chunks];
        var size = text.Length / chunks;
        var extra = text.Length % chunks;
        var pos = 0;
        for (var i = 0; i < chunks; i++)
        {
            var len = size + (i < extra ? 1 : 0);
            parts[i] = text.Substring(pos, len);
            pos += len;
        }
        return (parts, text);
    }
}

using AiProxy.Pipeline;
using AiProxy.Streaming;
using AiProxy.Transforms.Upstream;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Upstream;

/// <summary>
/// The body an attempt sends: the client's bytes with the upstream model spliced in and, for streams, a
/// <c>stream_options.include_usage</c> the proxy needs for usage accounting.
/// </summary>
internal static class UpstreamBody
{
    private static readonly byte[] IncludeUsage = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();

    public static void Prepare(HttpContext context, AiRequestFeature feature)
    {
        if (feature.Operation == AiOperation.PassThrough || feature.Request is not { } parsed)
        {
            return;
        }

        var body = parsed.Body;
        if (feature.UpstreamModel is { } upstreamModel && !string.Equals(upstreamModel, parsed.Model, StringComparison.Ordinal))
        {
            body = ModelRewriter.Rewrite(body.Span, parsed.ModelTokenStart, parsed.ModelTokenLength, upstreamModel);
        }
        if (parsed.Stream && !parsed.HasStreamOptions && feature.Operation is AiOperation.ChatCompletions or AiOperation.Completions)
        {
            // Usage must be known to settle token limits and count tokens; the extra usage chunk this asks for is
            // dropped again on the way back (Streaming/UsageChunkStripper), so the client sees the stream it asked for.
            body = InsertIncludeUsage(body.Span, parsed.BodyObjectStart);
            feature.StripUsageChunk = true;
        }

        // YARP reads Request.Body when it builds the outgoing content, so a fresh stream per attempt replays the body.
        var request = context.Request;
        request.Body = new ReadOnlyMemoryStream(body);
        request.ContentLength = body.Length;
        request.Headers.TransferEncoding = default;
    }

    /// <summary>Returns the body with <c>"stream_options":{"include_usage":true}</c> as its first member.</summary>
    public static byte[] InsertIncludeUsage(ReadOnlySpan<byte> body, int objectStart)
    {
        var after = objectStart + 1;
        // An empty object would leave a trailing comma; such a body has no messages anyway, so leave it alone.
        var rest = body[after..].TrimStart(" \t\r\n"u8);
        var insert = rest.Length > 0 && rest[0] == (byte)'}' ? IncludeUsage.AsSpan(0, IncludeUsage.Length - 1) : IncludeUsage;
        var result = new byte[body.Length + insert.Length];
        body[..after].CopyTo(result);
        insert.CopyTo(result.AsSpan(after));
        body[after..].CopyTo(result.AsSpan(after + insert.Length));
        return result;
    }
}

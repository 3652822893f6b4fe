namespace AiProxy.Http;

/// <summary>
/// The media type of an upstream answer, read from the raw <c>Content-Type</c> header. Reading
/// <c>HttpContentHeaders.ContentType</c> parses the header into a <c>MediaTypeHeaderValue</c> (with its parameters) on
/// every answer, although YARP has already copied the raw header to the client; only the type is needed here.
/// </summary>
internal static class UpstreamContentType
{
    public const string EventStream = "text/event-stream";

    public const string Json = "application/json";

    /// <summary>Gets the media type (no parameters) of <paramref name="content"/>, or null without a Content-Type header.</summary>
    public static string? MediaTypeOf(HttpContent content)
        => RawOf(content) is { } raw ? MediaType(raw) : null;

    /// <summary>Gets whether <paramref name="content"/> is a server-sent event stream.</summary>
    public static bool IsEventStream(HttpContent content)
        => ReferenceEquals(MediaTypeOf(content), EventStream);

    /// <summary>Gets the raw Content-Type header value as received (first value), or null.</summary>
    public static string? RawOf(HttpContent content)
    {
        if (!content.Headers.NonValidated.TryGetValues("Content-Type", out var values))
        {
            return null;
        }
        foreach (var value in values)
        {
            return value;
        }
        return null;
    }

    /// <summary>The media type of a Content-Type value: the part before any parameter, trimmed; the common ones as constants.</summary>
    public static string MediaType(string value)
    {
        var span = value.AsSpan();
        var semicolon = span.IndexOf(';');
        var type = (semicolon >= 0 ? span[..semicolon] : span).Trim();
        if (type.Equals(EventStream, StringComparison.OrdinalIgnoreCase))
        {
            return EventStream;
        }
        if (type.Equals(Json, StringComparison.OrdinalIgnoreCase))
        {
            return Json;
        }
        return type.Length == value.Length ? value : type.ToString();
    }
}

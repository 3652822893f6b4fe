using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AiProxy.Http;
using AiProxy.Transforms.Keys;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Upstream;

/// <summary>
/// Reads the start of an upstream error answer (403/429, not a stream) to tell a key error from a request error,
/// then puts the bytes back in front of the rest so the client gets the upstream's body unchanged.
/// </summary>
internal static class UpstreamErrorBody
{
    /// <summary>How long the body read may take; a drip-fed error body must not hold the attempt (the client's deadline still applies).</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Returns whether an answer's body is read before it is classified.</summary>
    public static bool ShouldRead(HttpResponseMessage response, int status)
        => KeyErrorClassifier.NeedsBody(status)
           && !UpstreamContentType.IsEventStream(response.Content)
           && response.Content.Headers.ContentLength is not 0;

    /// <summary>Reads up to <see cref="KeyErrorClassifier.MaxBodyBytes"/> of the body, classifies it and replaces the content with a replay.</summary>
    public static async ValueTask<KeyErrorKind> ClassifyAsync(HttpResponseMessage response, int status, TimeProvider time, CancellationToken aborted)
    {
        // Error answers only, so a small allocation here costs the hot path nothing; the buffer lives as long as the body copy.
        var buffer = new byte[KeyErrorClassifier.MaxBodyBytes];
        var length = 0;
        var complete = false;
        var inner = response.Content;
        Stream? source = null;
        using var timeout = new CancellationTokenSource(ReadTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
        try
        {
            source = await inner.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            while (length < buffer.Length)
            {
                var read = await source.ReadAsync(buffer.AsMemory(length), linked.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    complete = true;
                    break;
                }
                length += read;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException)
        {
            // Classify what arrived; the copy of the rest fails the same way and YARP reports it as usual.
        }

        if (source is not null)
        {
            response.Content = new ReplayedContent(inner, buffer, length, complete ? null : source);
        }
        return KeyErrorClassifier.Classify(status, buffer.AsSpan(0, length), complete);
    }

    /// <summary>
    /// Replaces the body of an upstream key rejection that goes back to the client with the proxy's own error: providers
    /// echo the key they were sent in it (OpenAI a masked form, some servers all of it), and that key is not the client's.
    /// </summary>
    /// <remarks>With <c>asEvent</c> (the rejection came as a stream's first event under a 200) the replacement is an SSE error event.</remarks>
    public static void WithholdKeyRejection(HttpResponseMessage response, HttpResponse client, string provider, string keyId, int status, bool asEvent = false)
    {
        var message = $"The upstream provider '{provider}' rejected its API key {keyId} (HTTP {status}); the key is taken out of use until its secret changes. "
            + "The provider's own message is withheld because it can echo the key.";
        byte[] bytes;
        if (asEvent)
        {
            bytes = ProxyErrors.SseErrorEvent(message, "server_error", "upstream_key_rejected");
        }
        else
        {
            var payload = new OpenAIErrorResponse { Error = new OpenAIError { Message = message, Type = "server_error", Code = "upstream_key_rejected" } };
            bytes = JsonSerializer.SerializeToUtf8Bytes(payload, ProxyJsonContext.Relaxed.OpenAIErrorResponse);
        }
        var mediaType = asEvent ? "text/event-stream" : "application/json";
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        response.Content.Dispose();
        response.Content = content;
        // The upstream's headers were already copied to the client's response: make them describe the new body.
        client.Headers.ContentLength = bytes.Length;
        client.ContentType = mediaType;
        client.Headers.ContentEncoding = default;
    }

    /// <summary>The bytes already read, then (if the body was longer) the rest of the upstream stream.</summary>
    private sealed class ReplayedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly byte[] _prefix;
        private readonly int _length;
        private readonly Stream? _rest;

        public ReplayedContent(HttpContent inner, byte[] prefix, int length, Stream? rest)
        {
            _inner = inner;
            _prefix = prefix;
            _length = length;
            _rest = rest;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task<Stream> CreateContentReadStreamAsync()
            => Task.FromResult<Stream>(_rest is null ? new MemoryStream(_prefix, 0, _length, writable: false) : new PrefixedStream(_prefix, _length, _rest));

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_prefix.AsMemory(0, _length)).ConfigureAwait(false);
            if (_rest is not null)
            {
                await _rest.CopyToAsync(stream).ConfigureAwait(false);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return _rest is null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

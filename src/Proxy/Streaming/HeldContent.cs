using System.Net;
using AiProxy.Http;

namespace AiProxy.Streaming;

/// <summary>An <see cref="HttpContent"/> over a <see cref="HeldSseBody"/>, replacing the upstream content whose first bytes were read.</summary>
internal sealed class HeldContent : HttpContent
{
    private readonly HttpContent _original;
    private readonly HeldSseBody _body;

    public HeldContent(HttpContent original, HeldSseBody body)
    {
        _original = original;
        _body = body;
        // YARP copied the upstream's headers to the client before the transforms ran; later transforms read only the type.
        if (UpstreamContentType.RawOf(original) is { } contentType)
        {
            Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
    }

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult<Stream>(_body);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(_body);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _body.CopyToAsync(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _original.Dispose();
        }
        base.Dispose(disposing);
    }
}

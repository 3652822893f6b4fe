using System.Net;

namespace AiProxy.Streaming;

/// <summary>An <see cref="HttpContent"/> that hands YARP the upstream body through <see cref="SseEventStream"/>.</summary>
internal sealed class SseEventContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly bool _expectDone;
    private readonly CancellationToken _clientAborted;

    public SseEventContent(HttpContent inner, bool expectDone, CancellationToken clientAborted)
    {
        _inner = inner;
        _expectDone = expectDone;
        _clientAborted = clientAborted;
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        => new SseEventStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _expectDone, _clientAborted);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var source = await CreateContentReadStreamAsync(CancellationToken.None).ConfigureAwait(false);
        await source.CopyToAsync(stream).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
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

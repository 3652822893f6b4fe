using AiProxy.Clients;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Sends the semantic cache's <c>/v1/embeddings</c> calls to this proxy's own listener, so an upstream embedding model
/// is reached through the same routes, providers, key pools, retries, limits and exact cache as any client's call.
/// The call carries <see cref="InternalRequest.HeaderName"/> with a per-process secret instead of a client key.
/// </summary>
internal sealed class LoopbackEmbeddingHandler(IServer server) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
{
    private Uri? _base;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The client's base address is a placeholder (http://loopback/v1/): the listener is known only once the server runs.
        var own = _base ??= OwnAddress(server);
        request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = own.Scheme, Host = own.Host, Port = own.Port }.Uri;
        request.Headers.TryAddWithoutValidation(InternalRequest.HeaderName, InternalRequest.Token);
        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The first listening address, with a wildcard host (0.0.0.0, [::], *, +) replaced by loopback.</summary>
    internal static Uri OwnAddress(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses is { Count: > 0 } ? addresses.First() : throw new InvalidOperationException("The server has no listening address yet.");
        var text = first.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(text);
    }
}

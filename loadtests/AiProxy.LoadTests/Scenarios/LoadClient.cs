using System.Buffers;
using System.Net.Http.Headers;
using System.Text;

namespace AiProxy.LoadTests.Scenarios;

/// <summary>One pooled HTTP client per target, with the small amount of OpenAI wire handling the scenarios share.</summary>
internal sealed class LoadClient : IDisposable
{
    public const string ClientKey = "sk-load-client";
    public const string LimitedClientKey = "sk-limited-client";
    private readonly HttpClient _http;

    /// <param name="target">Root of the target.</param>
    /// <param name="maxConnections">Connection cap. Without one, an open-model run against a target that falls behind opens a
    /// connection per queued call until the machine runs out of file descriptors; with it, calls queue in the client and the
    /// wait still counts (latency runs from the scheduled time).</param>
    public LoadClient(Uri target, int maxConnections = 256)
    {
        Target = target;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = maxConnections,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        })
        {
            BaseAddress = target,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>Root of the target, e.g. <c>http://127.0.0.1:8082/</c>.</summary>
    public Uri Target { get; }

    public static byte[] Json(string json) => Encoding.UTF8.GetBytes(json);

    public static HttpRequestMessage Post(string path, byte[] body, string clientKey = ClientKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("authorization", "Bearer " + clientKey);
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken token) =>
        _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);

    /// <summary>Reads the whole body into a pooled buffer and returns its length.</summary>
    public static async Task<long> DrainAsync(HttpResponseMessage response, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                total += n;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads an SSE body, calling <paramref name="onChunk"/> for every read that brought bytes; returns its length and whether it ended with <c>[DONE]</c>.</summary>
    public static async Task<(long Bytes, bool Done)> ReadStreamAsync(HttpResponseMessage response, Action onChunk, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            long total = 0;
            var tail = new byte[32];
            var tailLength = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                onChunk();
                total += n;
                // Keep the last bytes seen: "[DONE]" may straddle two reads.
                var keep = Math.Min(n, tail.Length);
                var shift = Math.Min(tailLength, tail.Length - keep);
                Buffer.BlockCopy(tail, tailLength - shift, tail, 0, shift);
                Buffer.BlockCopy(buffer, n - keep, tail, shift, keep);
                tailLength = shift + keep;
            }
            var done = tail.AsSpan(0, tailLength).IndexOf("[DONE]"u8) >= 0;
            return (total, done);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _http.Dispose();
}

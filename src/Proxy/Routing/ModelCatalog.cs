using System.Net.Http.Headers;
using System.Text.Json;
using AiProxy.Configuration;
using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;
using Microsoft.Extensions.Logging;

namespace AiProxy.Routing;

/// <summary>
/// The model list behind <c>GET /v1/models</c>: literal model names from the routes, plus, for routes with globs,
/// the models their first provider lists that this route would actually serve (first match wins). Upstream lists are
/// fetched at most every <see cref="RefreshInterval"/> per config generation; a failing upstream only drops its part.
/// </summary>
internal sealed partial class ModelCatalog : IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = FetchTimeout };
    private readonly TimeProvider _time;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly object _gate = new();
    private (int Version, long FetchedAt, Task<IReadOnlyList<(string Id, string OwnedBy)>> List)? _current;

    public ModelCatalog(TimeProvider time, ILogger<ModelCatalog> logger)
    {
        _time = time;
        _logger = logger;
    }

    public Task<IReadOnlyList<(string Id, string OwnedBy)>> ListAsync(RouteTable routes, int version)
    {
        lock (_gate)
        {
            if (_current is { } c && c.Version == version && _time.GetElapsedTime(c.FetchedAt) < RefreshInterval
                && !(c.List.IsCompleted && !c.List.IsCompletedSuccessfully))
            {
                return c.List;
            }
            // Concurrent callers share one refresh.
            var list = BuildAsync(routes);
            _current = (version, _time.GetTimestamp(), list);
            return list;
        }
    }

    private async Task<IReadOnlyList<(string Id, string OwnedBy)>> BuildAsync(RouteTable table)
    {
        var result = new List<(string, string)>(table.ListedModels());
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, _) in result)
        {
            seen.Add(id);
        }

        var fetched = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var route in table.Routes)
        {
            if (Array.TrueForAll(route.Models, static g => g.IsLiteral))
            {
                continue;
            }
            var provider = route.Providers[0];
            if (!fetched.TryGetValue(provider.Name, out var models))
            {
                models = await FetchAsync(provider).ConfigureAwait(false);
                fetched[provider.Name] = models;
            }
            foreach (var id in models)
            {
                // Listed only where this route is the one that would serve it.
                if (ReferenceEquals(table.Match(id), route) && seen.Add(id))
                {
                    result.Add((id, provider.Name));
                }
            }
        }
        return result;
    }

    private async Task<IReadOnlyList<string>> FetchAsync(ProviderRuntime provider)
    {
        var target = provider.Target;
        if (target.Kind == ProviderKind.AzureOpenAI)
        {
            // Azure lists base models, not deployments; the deployments configured here are what can be called.
            return [.. target.Deployments.Keys];
        }

        KeyLease? lease = null;
        if (provider.Keys is { } pool)
        {
            var acquired = pool.Acquire(0);
            if (acquired.Lease is null)
            {
                return [];
            }
            lease = acquired.Lease;
        }

        try
        {
            using var request = ListRequest(target, lease);
            using var response = await _http.SendAsync(request).ConfigureAwait(false);
            lease?.Complete((int)response.StatusCode, response.Headers);
            if (!response.IsSuccessStatusCode)
            {
                Log.FetchFailed(_logger, provider.Name, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return [];
            }
            await using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var doc = await JsonDocument.ParseAsync(body).ConfigureAwait(false);
            return ModelIds(doc.RootElement);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException)
        {
            lease?.Fail();
            Log.FetchFailed(_logger, provider.Name, ex.GetType().Name);
            return [];
        }
        finally
        {
            lease?.Dispose();
        }
    }

    private static HttpRequestMessage ListRequest(UpstreamTarget target, KeyLease? lease)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, target.BaseUrl.ToString().TrimEnd('/') + "/models");
        if (lease is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", lease.Key);
        }
        foreach (var (name, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    /// <summary>The <c>id</c>s of an OpenAI model list (<c>{"data":[{"id":…}]}</c>).</summary>
    private static List<string> ModelIds(JsonElement root)
    {
        var ids = new List<string>();
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                if (item.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } value)
                {
                    ids.Add(value);
                }
            }
        }
        return ids;
    }

    public void Dispose() => _http.Dispose();

    private static partial class Log
    {
        [LoggerMessage(500, LogLevel.Warning, "Could not list the models of provider {Provider} ({Reason}); /v1/models shows only configured names for its routes.")]
        public static partial void FetchFailed(ILogger logger, string provider, string reason);
    }
}

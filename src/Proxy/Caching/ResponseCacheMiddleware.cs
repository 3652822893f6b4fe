using AiProxy.Configuration;
using AiProxy.Pipeline;
using AiProxy.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AiProxy.Caching;

/// <summary>
/// The exact response cache, between routing and forwarding: serves hits (converting between stream and JSON shapes),
/// lets identical in-flight requests follow one upstream call, and records completed 200 answers into the
/// <see cref="HybridCache"/>. Cache faults are logged misses; nothing here fails a request.
/// </summary>
internal sealed partial class ResponseCacheMiddleware
{
    public const string TtlHeader = "x-aiproxy-cache-ttl";
    public const string Hit = "hit";
    public const string Miss = "miss";
    public const string Bypass = "bypass";

    /// <summary>The largest answer stored when <c>Cache.MaxEntryBytes</c> is not set.</summary>
    public const long DefaultMaxEntryBytes = 4 * 1024 * 1024;

    private static readonly HybridCacheEntryOptions LookupOptions = new() { Flags = HybridCacheEntryFlags.DisableUnderlyingData };

    private readonly RequestDelegate _next;
    private readonly HybridCache _cache;
    private readonly InFlightResponses _inFlight;
    private readonly ResponseCacheMetrics _metrics;
    private readonly Hybrid.HybridCacheMetrics _layerMetrics;
    private readonly IMemoryCache _l1;
    private readonly Semantic.SemanticCacheService _semantic;
    private readonly ILogger<ResponseCacheMiddleware> _logger;
    private readonly TimeProvider _time;

    public ResponseCacheMiddleware(RequestDelegate next, HybridCache cache, InFlightResponses inFlight, ResponseCacheMetrics metrics,
        Hybrid.HybridCacheMetrics layerMetrics, IMemoryCache l1, Semantic.SemanticCacheService semantic, ILogger<ResponseCacheMiddleware> logger,
        TimeProvider time)
    {
        _semantic = semantic;
        _layerMetrics = layerMetrics;
        _l1 = l1;
        _next = next;
        _cache = cache;
        _inFlight = inFlight;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    public Task Invoke(HttpContext context)
    {
        var feature = context.Features.Get<AiRequestFeature>();
        if (feature?.Request is not { } request)
        {
            // Pass-through paths are not parsed and not cached.
            return _next(context);
        }
        var policy = RouteCachePolicy.For(feature.Snapshot, feature.Route.Index);
        if (policy.Mode == CacheMode.Off)
        {
            feature.CacheStatus = Bypass;
            return _next(context);
        }
        var (noCache, noStore) = ReadCacheControl(context.Request.Headers.CacheControl);
        var ttl = RequestedTtl(context.Request.Headers, policy.Ttl, ref noStore);
        // The parsed facts first: a non-deterministic request is bypassed without building the canonical key, and
        // without an async frame of ours around the rest of the pipeline.
        string key = "";
        var cacheable = !(noCache && noStore)
            && IsCacheable(policy.Mode, request)
            && CacheKeyBuilder.TryBuild(request.Body.Span, request.Operation, feature.Route.Name, feature.Route.RewriteModel ?? request.Model,
                policy.Shared ? null : feature.ClientId, out key);
        if (!cacheable)
        {
            feature.CacheStatus = Bypass;
            _metrics.Bypass();
            return _next(context);
        }
        return InvokeCacheableAsync(context, feature, request, policy, new CacheRequest(key, ttl, noCache, noStore));
    }

    /// <summary>What the request asked of the cache: its key, the entry lifetime and its cache-control flags.</summary>
    private readonly record struct CacheRequest(string Key, TimeSpan Ttl, bool NoCache, bool NoStore);

    private async Task InvokeCacheableAsync(HttpContext context, AiRequestFeature feature, ParsedRequest request, RouteCachePolicy policy, CacheRequest ask)
    {
        if (!ask.NoCache && await ServeOrLeadAsync(context, feature, request, policy, ask.Key, ask.Ttl, ask.NoStore))
        {
            return;
        }

        _metrics.Miss();
        var (_, probe) = ask.NoStore || !_semantic.IsEnabled
            ? (false, Semantic.SemanticProbe.None)
            : await TrySemanticAsync(context, feature, policy, request, noCache: true);
        await ForwardAndRecordAsync(context, feature, new ResponseRecording(feature, MaxEntryBytes(feature.Snapshot), _time), ask.Key, ask.Ttl, ask.NoStore, probe);
    }

    /// <summary>The entry lifetime: a request may shorten the route's (<c>x-aiproxy-cache-ttl</c>), never extend it; 0 means "don't store".</summary>
    private TimeSpan RequestedTtl(IHeaderDictionary headers, TimeSpan ttl, ref bool noStore)
    {
        if (headers.TryGetValue(TtlHeader, out var ttlHeader))
        {
            if (Duration.TryParse(ttlHeader.ToString(), out var requested))
            {
                ttl = requested < ttl ? requested : ttl;
                noStore |= ttl <= TimeSpan.Zero;
            }
            else
            {
                Log.TtlHeaderInvalid(_logger);
            }
        }
        return ttl;
    }

    /// <summary>Deterministic mode caches temperature 0 or a seed (embeddings always) and never n &gt; 1; always caches everything.</summary>
    internal static bool IsCacheable(CacheMode mode, ParsedRequest request) => mode switch
    {
        CacheMode.Always => true,
        CacheMode.Deterministic => request.Operation == AiOperation.Embeddings || (request.N <= 1 && (request.Temperature == 0 || request.HasSeed)),
        _ => false,
    };

    internal static (bool NoCache, bool NoStore) ReadCacheControl(StringValues values)
    {
        bool noCache = false, noStore = false;
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }
            noCache |= value.Contains("no-cache", StringComparison.OrdinalIgnoreCase);
            noStore |= value.Contains("no-store", StringComparison.OrdinalIgnoreCase);
        }
        return (noCache, noStore);
    }

    private static long MaxEntryBytes(AiProxySnapshot snapshot) => snapshot.Options.Cache?.MaxEntryBytes ?? DefaultMaxEntryBytes;

    private async ValueTask<CachedResponse?> LookupAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            // HybridCache reports no layer of its own: an entry present in its memory cache before the call is an L1 answer
            // (the L2 wrapper counts its own hits and misses).
            var inL1 = _l1.TryGetValue(key, out _);
            var entry = await _cache.GetOrCreateAsync<CachedResponse?>(key, static _ => default, LookupOptions, cancellationToken: cancellationToken);
            if (inL1 && entry is not null) _layerMetrics.L1Hit(); else _layerMetrics.L1Miss();
            return entry;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LookupFailed(_logger, ex.GetType().Name);
            return null;
        }
    }

    private async Task ForwardAndRecordAsync(HttpContext context, AiRequestFeature feature, ResponseRecording recording, string key, TimeSpan ttl, bool noStore,
        Semantic.SemanticProbe semantic)
    {
        feature.CacheStatus = Miss;
        (feature.Observers ??= []).Add(recording);
        try
        {
            await _next(context);
        }
        finally
        {
            // No observer call at all (connect error, proxy-written error) or an exception: the answer is not complete.
            recording.EnsureCompleted();
        }

        if (noStore || recording.Result is not { } result)
        {
            return;
        }
        if (!recording.Storable)
        {
            Log.TooLarge(_logger, result.Size, feature.Route.Name, MaxEntryBytes(feature.Snapshot));
            return;
        }
        try
        {
            var options = new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl };
            // The client already has its answer; storing must not be cut short by its disconnect.
            await _cache.SetAsync(key, result, options, Tags(feature, shared: RouteCachePolicy.For(feature.Snapshot, feature.Route.Index).Shared), CancellationToken.None);
            _semantic.Remember(semantic, key);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, ex.GetType().Name);
        }
    }

    /// <summary>Purge tags: <c>route:</c>, <c>model:</c> (client and upstream model), and <c>client:</c> for per-client entries.</summary>
    internal static string[] Tags(AiRequestFeature feature, bool shared)
    {
        var model = feature.Request!.Model;
        var upstream = feature.Route.RewriteModel;
        var count = 2 + (upstream is not null && !string.Equals(upstream, model, StringComparison.Ordinal) ? 1 : 0) + (shared ? 0 : 1);
        var tags = new string[count];
        var i = 0;
        tags[i++] = "route:" + feature.Route.Name;
        tags[i++] = "model:" + model;
        if (count > (shared ? 2 : 3))
        {
            tags[i++] = "model:" + upstream;
        }
        if (!shared)
        {
            tags[i] = "client:" + feature.ClientId;
        }
        return tags;
    }
}

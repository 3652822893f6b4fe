using AiProxy.Pipeline;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Caching;

internal sealed partial class ResponseCacheMiddleware
{
    /// <summary>
    /// Serves the request from the exact cache, the semantic layer or an identical request in flight, or leads it: forwards
    /// and records. Returns false only when a follower could not use its leader's answer (the caller forwards it alone).
    /// </summary>
    private async Task<bool> ServeOrLeadAsync(HttpContext context, AiRequestFeature feature, ParsedRequest request, RouteCachePolicy policy,
        string key, TimeSpan ttl, bool noStore)
    {
        CachedResponse? entry;
        using (var span = Telemetry.ProxyTracing.Source.StartActivity("cache lookup", System.Diagnostics.ActivityKind.Internal))
        {
            entry = await LookupAsync(key, context.RequestAborted);
            span?.SetTag("aiproxy.cache.result", entry is null ? Miss : Hit);
            span?.SetTag("aiproxy.route", feature.Route.Name);
        }
        if (entry is not null && await TryServeAsync(context, feature, entry, request))
        {
            _metrics.Hit();
            return true;
        }
        // Checked here so the exact-cache path pays nothing (not even a task) while the semantic layer is off.
        var (served, semantic) = _semantic.IsEnabled
            ? await TrySemanticAsync(context, feature, policy, request, noCache: false)
            : (false, Semantic.SemanticProbe.None);
        if (served)
        {
            _metrics.Miss();
            return true;
        }

        var recording = new ResponseRecording(feature, MaxEntryBytes(feature.Snapshot), _time);
        if (!_inFlight.TryLead(key, recording, out var leader))
        {
            if (await FollowAsync(context, feature, leader, request))
            {
                _metrics.Hit();
                return true;
            }
            Log.FollowerFallback(_logger, feature.Route.Name);
        }
        else
        {
            _metrics.Miss();
            try
            {
                await ForwardAndRecordAsync(context, feature, recording, key, ttl, noStore, semantic);
            }
            finally
            {
                _inFlight.Remove(key, recording);
            }
            return true;
        }
        return false;
    }
}

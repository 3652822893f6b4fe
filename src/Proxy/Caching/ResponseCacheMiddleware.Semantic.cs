using System.Globalization;
using AiProxy.Caching.Semantic;
using AiProxy.Pipeline;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Caching;

internal sealed partial class ResponseCacheMiddleware
{
    /// <summary>
    /// After an exact miss: asks the semantic layer for a stored answer to a request that means the same, in the same
    /// hard scope, and serves it in the requested shape (<c>x-aiproxy-cache: semantic-hit</c> plus the similarity).
    /// Returns the probe either way, so a miss can be remembered once its answer is stored.
    /// </summary>
    private async Task<(bool Served, SemanticProbe Probe)> TrySemanticAsync(HttpContext context, AiRequestFeature feature, RouteCachePolicy policy,
        ParsedRequest request, bool noCache)
    {
        // Callers check _semantic.IsEnabled first, so the exact-cache path never allocates this task.
        var probe = await _semantic.LookupAsync(feature, policy.Shared ? null : feature.ClientId, lookup: !noCache, context.RequestAborted);
        if (!probe.Result.Hit || await LookupAsync(probe.Result.AnswerKey!, context.RequestAborted) is not { } entry)
        {
            return (false, probe);
        }

        feature.CacheStatus = SemanticCacheService.HitStatus;
        context.Response.Headers[SemanticCacheService.ScoreHeader] = probe.Result.Score.ToString("0.000", CultureInfo.InvariantCulture);
        if (await TryServeAsync(context, feature, entry, request))
        {
            return (true, probe);
        }
        context.Response.Headers.Remove(SemanticCacheService.ScoreHeader);
        feature.CacheStatus = Miss;
        return (false, probe);
    }
}

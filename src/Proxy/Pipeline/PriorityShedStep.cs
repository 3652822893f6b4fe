using System.Globalization;
using AiProxy.Clients;
using AiProxy.Http;
using AiProxy.RateLimiting.Budgets;
using AiProxy.RateLimiting.Priority;
using AiProxy.Transforms.Keys;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Pipeline;

/// <summary>
/// The priority step of <see cref="ClientPolicyMiddleware"/>: when every provider of the route is under key-pool pressure
/// for the client's class, the request is refused with 429 and <c>retry-after</c> so that higher classes keep the capacity.
/// </summary>
internal static class PriorityShedStep
{
    /// <summary>Returns whether the request must yield; <paramref name="retryAfter"/> is then when the soonest provider gets capacity back.</summary>
    public static bool ShouldShed(AiRequestFeature feature, PriorityClass priority, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (priority == PriorityClass.Critical)
        {
            return false;
        }
        var soonest = TimeSpan.MaxValue;
        foreach (var provider in feature.Route.Providers)
        {
            // A provider without keys or without a reserve has nothing to shed for: it may serve the request.
            if (provider.Keys is not { CriticalReserve: > 0 } pool)
            {
                return false;
            }
            var pressure = pool.GetPressure(priority);
            if (!PriorityShedding.ShouldShed(priority, pressure))
            {
                return false;
            }
            soonest = pressure.RecoverIn < soonest ? pressure.RecoverIn : soonest;
        }
        retryAfter = soonest == TimeSpan.MaxValue ? TimeSpan.FromSeconds(1) : soonest;
        return feature.Route.Providers.Length > 0;
    }

    public static Task WriteShedAsync(HttpContext context, ClientIdentity client, TimeSpan wait, BudgetMetrics metrics)
    {
        metrics.Refused(client.Id, BudgetMetrics.PriorityReason);
        var headers = context.Response.Headers;
        headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers["retry-after-ms"] = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var message = $"Rate limit reached: the upstream capacity of this route is kept for higher-priority clients; client '{client.Id}' "
            + $"(priority {PriorityClassNames.Table.NameOf(client.Priority)}) is refused first. Please try again in {RateLimitHeaders.FormatDuration(wait)}.";
        return ProxyErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, message, "requests", "rate_limit_exceeded");
    }
}

using System.Globalization;
using AiProxy.Clients;
using AiProxy.Http;
using AiProxy.RateLimiting;
using AiProxy.RateLimiting.Budgets;
using AiProxy.Transforms.Keys;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Pipeline;

/// <summary>
/// Applies the client's policy to a routed request: allowed models (403), then requests/tokens/concurrency limits
/// (429 with <c>retry-after</c> in OpenAI's shape). After the answer, the token reservation settles to the real usage
/// (zero for answers served without an upstream call). Calendar budgets are <see cref="ClientBudgetStep"/>'s,
/// priority shedding <see cref="PriorityShedStep"/>'s.
/// </summary>
internal sealed class ClientPolicyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IClientRateLimiter _limiter;
    private readonly ClientBudgetStep _budgets;
    private readonly BudgetMetrics _budgetMetrics;

    public ClientPolicyMiddleware(RequestDelegate next, IClientRateLimiter limiter, IBudgetLedger budgets, BudgetMetrics budgetMetrics, TimeProvider time)
    {
        _next = next;
        _limiter = limiter;
        _budgets = new ClientBudgetStep(budgets, time);
        _budgetMetrics = budgetMetrics;
    }

    public Task Invoke(HttpContext context)
    {
        var feature = context.Features.Get<AiRequestFeature>();
        if (feature is null)
        {
            return _next(context);
        }

        var client = context.Features.Get<ClientIdentity>() ?? ClientTable.For(feature.Snapshot).Anonymous;
        feature.ClientId = client.Id;
        if (feature.Request?.Model is { } model && !client.MayUse(model))
        {
            return ForbidAsync(context, client, model);
        }
        feature.Priority = client.Priority;
        if (PriorityShedStep.ShouldShed(feature, client.Priority, out var shedFor))
        {
            return ShedAsync(context, client, shedFor);
        }
        if (!client.Limits.HasAnyLimit)
        {
            return client.Budget.HasAny ? BudgetAsync(context, feature, client) : _next(context);
        }
        return LimitAsync(context, feature, client);
    }

    // Answers that reserve no budget still carry the client's budget headers (from the figures last seen, see ClientBudgetStep).
    private async Task ForbidAsync(HttpContext context, ClientIdentity client, string model)
    {
        await _budgets.WriteKnownHeadersAsync(context, client);
        await ProxyErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
            $"Client '{client.Id}' is not allowed to use model '{model}'.", ProxyErrors.InvalidRequest, "model_not_allowed", "model");
    }

    private async Task ShedAsync(HttpContext context, ClientIdentity client, TimeSpan wait)
    {
        await _budgets.WriteKnownHeadersAsync(context, client);
        await PriorityShedStep.WriteShedAsync(context, client, wait, _budgetMetrics);
    }

    private async Task BudgetAsync(HttpContext context, AiRequestFeature feature, ClientIdentity client)
    {
        if (await _budgets.ReserveAsync(context, feature, client) is { } budget)
        {
            await _next(context);
            await ClientBudgetStep.SettleAsync(budget, feature);
        }
    }

    private Task LimitAsync(HttpContext context, AiRequestFeature feature, ClientIdentity client)
    {
        // The local limiter decides synchronously: go on without an async frame that holds the whole decision.
        var pending = _limiter.AcquireAsync(client.Id, client.Limits, feature.EstimatedTokens, context.RequestAborted);
        return pending.IsCompletedSuccessfully ? Decided(context, feature, client, pending.Result) : AwaitDecisionAsync(context, feature, client, pending);
    }

    private async Task AwaitDecisionAsync(HttpContext context, AiRequestFeature feature, ClientIdentity client, ValueTask<RateLimitDecision> pending)
        => await Decided(context, feature, client, await pending);

    private Task Decided(HttpContext context, AiRequestFeature feature, ClientIdentity client, RateLimitDecision decision)
    {
        feature.RateLimit = decision;
        return decision.Lease is { } lease ? LeasedAsync(context, feature, client, lease) : DeniedAsync(context, client, decision);
    }

    private async Task DeniedAsync(HttpContext context, ClientIdentity client, RateLimitDecision decision)
    {
        await _budgets.WriteKnownHeadersAsync(context, client);
        await WriteDeniedAsync(context, client, decision);
    }

    private async Task LeasedAsync(HttpContext context, AiRequestFeature feature, ClientIdentity client, IRateLimitLease lease)
    {
        using (lease)
        {
            var budget = client.Budget.HasAny ? await _budgets.ReserveAsync(context, feature, client) : null;
            if (client.Budget.HasAny && budget is null)
            {
                await lease.SettleAsync(0);
                return;
            }
            await _next(context);
            if (budget is not null)
            {
                await ClientBudgetStep.SettleAsync(budget, feature);
            }
            if (feature.CacheStatus is "hit" or "semantic-hit")
            {
                var charge = feature.Snapshot.Options.Cache?.CountHitTokens == true ? feature.CachedUsage?.Total ?? 0 : 0;
                await lease.SettleAsync(charge);
            }
            else if (feature.Usage is { } usage)
            {
                await lease.SettleAsync(usage.Total);
            }
            // No usage (interrupted stream, upstream error): the estimate stands, which errs on the safe side.
        }
    }

    private static Task WriteDeniedAsync(HttpContext context, ClientIdentity client, RateLimitDecision decision)
    {
        var wait = decision.RetryAfter;
        var headers = context.Response.Headers;
        headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers["retry-after-ms"] = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var (type, what, counter) = decision.DeniedBy switch
        {
            RateLimitKind.Tokens => ("tokens", "tokens per minute (TPM)", decision.Tokens),
            RateLimitKind.Concurrency => ("requests", "concurrent requests", (RateLimitCounter?)null),
            _ => ("requests", "requests per minute (RPM)", decision.Requests),
        };
        var limit = counter is { } c ? $": Limit {c.Limit}, Remaining {c.Remaining}" : client.Limits.MaxConcurrent is { } max ? $": Limit {max}" : "";
        var message = $"Rate limit reached for {what} for client '{client.Id}'{limit}. Please try again in {RateLimitHeaders.FormatDuration(wait)}.";
        return ProxyErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, message, type, "rate_limit_exceeded");
    }

    private static readonly LastFormatted RequestLimit = new(static v => v.ToString(CultureInfo.InvariantCulture));
    private static readonly LastFormatted TokenLimit = new(static v => v.ToString(CultureInfo.InvariantCulture));
    private static readonly LastFormatted RequestReset = new(static ticks => RateLimitHeaders.FormatDuration(TimeSpan.FromTicks(ticks)));
    private static readonly LastFormatted TokenReset = new(static ticks => RateLimitHeaders.FormatDuration(TimeSpan.FromTicks(ticks)));

    /// <summary>Writes the client's own <c>x-ratelimit-*</c> headers in OpenAI's formats (replacing the upstream's).</summary>
    public static void WriteHeaders(IHeaderDictionary headers, in RateLimitDecision decision)
    {
        if (decision.Requests is { } r)
        {
            headers["x-ratelimit-limit-requests"] = RequestLimit.Get(r.Limit);
            headers["x-ratelimit-remaining-requests"] = r.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = RequestReset.Get(r.Reset.Ticks);
        }
        if (decision.Tokens is { } t)
        {
            headers["x-ratelimit-limit-tokens"] = TokenLimit.Get(t.Limit);
            headers["x-ratelimit-remaining-tokens"] = t.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = TokenReset.Get(t.Reset.Ticks);
        }
    }
}

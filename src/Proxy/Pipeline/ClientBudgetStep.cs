using System.Globalization;
using AiProxy.Clients;
using AiProxy.Http;
using AiProxy.Metrics;
using AiProxy.RateLimiting.Budgets;
using AiProxy.Streaming;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Pipeline;

/// <summary>
/// The budget step of <see cref="ClientPolicyMiddleware"/>: prices the request's estimate, reserves it in every calendar
/// window, answers 429 <c>insufficient_quota</c> when a budget is used up, adds the <c>x-aiproxy-budget-*</c> headers to
/// every answer, and settles to the real usage (streams included) at the end.
/// </summary>
internal sealed class ClientBudgetStep(IBudgetLedger ledger, TimeProvider time)
{
    public const string RemainingUsdHeader = "x-aiproxy-budget-remaining-usd";
    public const string RemainingTokensHeader = "x-aiproxy-budget-remaining-tokens";
    public const string ResetHeader = "x-aiproxy-budget-reset";

    private static readonly Func<object, Task> s_applyHeaders = static state =>
    {
        var (context, decision) = ((HttpContext, BudgetDecision))state;
        WriteHeaders(context.Response.Headers, decision);
        return Task.CompletedTask;
    };

    /// <summary>Reserves the request; returns the decision when admitted, or <see langword="null"/> after writing the 429.</summary>
    public async ValueTask<BudgetDecision?> ReserveAsync(HttpContext context, AiRequestFeature feature, ClientIdentity client)
    {
        var decision = await ledger.ReserveAsync(client.Id, client.Budget, Estimate(feature), context.RequestAborted);
        if (!decision.IsAllowed)
        {
            await WriteRefusalAsync(context, client, decision);
            return null;
        }
        // Written when the response starts: a retry clears the response, and YARP copies the upstream's headers first.
        context.Response.OnStarting(s_applyHeaders, (context, decision));
        return decision;
    }

    /// <summary>
    /// Adds the budget headers to an answer that reserved nothing (403, per-minute 429, priority shed) from the client's
    /// current figures: the ones this replica last saw, so usually without a Redis round trip.
    /// </summary>
    public ValueTask WriteKnownHeadersAsync(HttpContext context, ClientIdentity client)
    {
        if (!client.Budget.HasAny)
        {
            return default;
        }
        var peek = ledger.PeekAsync(client.Id, client.Budget, context.RequestAborted);
        if (peek.IsCompletedSuccessfully)
        {
            WriteHeaders(context.Response.Headers, peek.Result);
            return default;
        }
        return WriteLaterAsync(context, peek);

        static async ValueTask WriteLaterAsync(HttpContext context, ValueTask<BudgetDecision> peek)
            => WriteHeaders(context.Response.Headers, await peek);
    }

    /// <summary>Settles to what the answer really cost: nothing for cache hits (tokens if <c>CountHitTokens</c>) and upstream errors; the estimate stands for an interrupted answer.</summary>
    public static ValueTask SettleAsync(BudgetDecision decision, AiRequestFeature feature)
    {
        var lease = decision.Lease!;
        if (feature.CacheStatus is "hit" or "semantic-hit")
        {
            var tokens = feature.Snapshot.Options.Cache?.CountHitTokens == true ? feature.CachedUsage?.Total ?? 0 : 0;
            return lease.SettleAsync(new BudgetCharge(tokens, 0));
        }
        if (feature.Usage is { } usage)
        {
            return lease.SettleAsync(new BudgetCharge(usage.Total, Nano(feature, feature.UpstreamModel ?? feature.Request?.Model, usage)));
        }
        // No upstream answer, or an error answer: nothing was billed upstream.
        return feature.UpstreamStatus is 0 or >= 400 ? lease.SettleAsync(default) : default;
    }

    /// <summary>The estimate (rounded to the nano-dollar; floating-point noise must not add one): prompt (characters / 4) and the completion budget, priced as input and output of the route's model.</summary>
    private static BudgetCharge Estimate(AiRequestFeature feature)
    {
        var total = Math.Max(0, feature.EstimatedTokens);
        var prompt = feature.Request is { } r ? Math.Min(total, ((r.PromptChars + 3) / 4) + r.PromptTokenIds) : 0;
        var usage = new TokenUsage(prompt, total - prompt, 0, total);
        return new BudgetCharge(total, Nano(feature, feature.Route.RewriteModel ?? feature.Request?.Model, usage));
    }

    private static long Nano(AiRequestFeature feature, string? model, in TokenUsage usage)
        => PriceTable.For(feature.Snapshot).Find(model) is { } price ? (long)Math.Round(price.Cost(usage) * ClientBudget.NanoPerUsd) : 0;

    /// <summary>Writes the remaining USD and tokens of the tightest budgets and when the binding one resets (UTC, ISO 8601).</summary>
    public static void WriteHeaders(IHeaderDictionary headers, BudgetDecision decision)
    {
        if (decision.RemainingNanoUsd is { } usd)
        {
            headers[RemainingUsdHeader] = FormatUsd(usd);
        }
        if (decision.RemainingTokens is { } tokens)
        {
            headers[RemainingTokensHeader] = tokens.ToString(CultureInfo.InvariantCulture);
        }
        headers[ResetHeader] = decision.ResetAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static string FormatUsd(long nano) => (Math.Floor((decimal)nano / 1000) / 1_000_000m).ToString("0.000000", CultureInfo.InvariantCulture);

    private Task WriteRefusalAsync(HttpContext context, ClientIdentity client, BudgetDecision decision)
    {
        var headers = context.Response.Headers;
        WriteHeaders(headers, decision);
        var wait = decision.ResetAt - time.GetUtcNow();
        // retry-after only when the reset is within a day: always for an hourly or daily budget (a local day lasts 25 hours
        // when the clocks go back), for a monthly one on its last day.
        var retry = decision.DeniedWindow != BudgetWindow.Month || wait <= TimeSpan.FromDays(1);
        if (retry)
        {
            headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        var period = BudgetUsageTracker.WindowName(decision.DeniedWindow) switch { "hour" => "hourly", "day" => "daily", _ => "monthly" };
        var what = decision.DeniedUnit switch
        {
            BudgetUnit.Usd => $"{period} USD budget (${FormatUsd(decision.DeniedLimit)}; ${FormatUsd(decision.DeniedUsed)} spent)",
            BudgetUnit.Tokens => $"{period} token budget ({decision.DeniedLimit} tokens; {decision.DeniedUsed} used)",
            _ => $"{period} request budget ({decision.DeniedLimit} requests; {decision.DeniedUsed} made)",
        };
        var local = TimeZoneInfo.ConvertTime(decision.ResetAt, decision.Zone);
        var message = $"You exceeded your current quota: client '{client.Id}' has used up its {what}. It resets at "
            + $"{local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)} ({decision.Zone.Id}).";
        return ProxyErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, message, "insufficient_quota", "insufficient_quota",
            shouldRetry: retry ? null : false);
    }
}

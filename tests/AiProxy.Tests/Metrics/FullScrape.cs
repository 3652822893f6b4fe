using System.Diagnostics.Metrics;
using AiProxy.Metrics;
using AiProxy.RateLimiting;
using AiProxy.Testing;

namespace AiProxy.Tests.Metrics;

/// <summary>Creates the proxy's real instruments (and stand-ins for announced ones) and records one value on each.</summary>
internal static class FullScrape
{
    public static void RecordEverything(IMeterFactory factory, bool includePending)
    {
        var proxy = new ProxyMetrics(factory);
        proxy.ConfigReloaded(success: true);
        proxy.ConfigReloaded(success: false);
        proxy.RequestStarted();
        proxy.RequestStarted();
        proxy.StreamStarted();
        var tags = new RequestTags("chat", "openai", "gpt-4o", "team-a", "miss", Stream: true);
        proxy.RequestFinished(tags, 200, 1.2, 0.3);
        proxy.UpstreamAttempt("openai", "k-1a2b", "ok");
        proxy.Tokens("team-a", "gpt-4o", prompt: 100, completion: 20, cached: 10, costUsd: 0.0125);

        var usage = new ClientUsageTracker(new FakeTimeProvider());
        usage.Record("team-a", new ClientRateLimit { RequestsPerMinute = 60, TokensPerMinute = 10_000 },
            new RateLimitDecision { Requests = new RateLimitCounter(60, 45, TimeSpan.FromSeconds(30)), Tokens = new RateLimitCounter(10_000, 2_000, TimeSpan.FromSeconds(30)) });
        var limits = new RateLimitingMetrics(factory, usage);
        limits.Rejected("team-a", RateLimitKind.Tokens);
        limits.Fallback();

        var budgetMetrics = new AiProxy.RateLimiting.Budgets.BudgetMetrics(factory, new FakeTimeProvider());
        var ledger = new AiProxy.RateLimiting.Budgets.BudgetLedger(Microsoft.Extensions.Options.Options.Create(new RateLimitingOptions()), budgetMetrics,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AiProxy.RateLimiting.Budgets.BudgetLedger>.Instance, new FakeTimeProvider());
        var budget = new AiProxy.RateLimiting.Budgets.ClientBudget { NanoUsdPerDay = 1_000_000, TokensPerMonth = 1000 };
        _ = ledger.ReserveAsync("team-a", budget, new(10, 1_000_000)).AsTask().Result;
        _ = ledger.ReserveAsync("team-a", budget, new(10, 1)).AsTask().Result;
        budgetMetrics.Refused("team-b", AiProxy.RateLimiting.Budgets.BudgetMetrics.PriorityReason);
        budgetMetrics.Fallback();

        if (includePending)
        {
            var semantic = new AiProxy.Caching.Semantic.SemanticCacheMetrics(factory, ProxyMetrics.MeterName);
            semantic.Hit();
            semantic.Miss("below_threshold");
            semantic.GuardRejected("negation");
            semantic.Similarity(0.93f);
            semantic.EmbeddingDuration(TimeSpan.FromMilliseconds(6), "ok");
            semantic.ObserveEntries(() => 42);
            new AiProxy.Admission.AdmissionMetrics(factory).Shed(AiProxy.Admission.AdmissionMetrics.QueueFull);

            // The shapes announced to the cache and key-pool authors: names, units and labels.
            var meter = factory.Create(ProxyMetrics.MeterName);
            meter.CreateCounter<long>("aiproxy.cache.lookups", "{lookup}", "Cache lookups by layer and result.")
                .Add(1, new("layer", "l1"), new("result", "hit"));
            meter.CreateCounter<long>("aiproxy.cache.l2.errors", "{error}", "Redis cache errors treated as misses.").Add(1);
            meter.CreateObservableGauge("aiproxy.key.state", () => new Measurement<long>(1, [new("provider", "openai"), new("key", "k-1a2b"), new("state", "cooldown")]),
                "{key}", "1 for the current state of each upstream key.");
            foreach (var kind in new[] { "requests", "tokens" })
            {
                foreach (var what in new[] { "quota", "usage" })
                {
                    meter.CreateObservableGauge($"aiproxy.provider.{kind}.{what}", () => new Measurement<long>(what == "quota" ? 500 : 400, [new("provider", "openai")]),
                        kind == "requests" ? "{request}" : "{token}", $"Provider {kind} per minute ({what}).");
                }
            }
        }
    }
}

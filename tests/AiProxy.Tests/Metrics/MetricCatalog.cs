namespace AiProxy.Tests.Metrics;

/// <summary>
/// Every Prometheus metric name AiProxy exports (histograms by their base name). The dashboard and the alert rules may
/// only use these; <see cref="MetricCatalogTests"/> checks the list against what the exporter really renders.
/// </summary>
internal static class MetricCatalog
{
    /// <summary>Exported by <c>ProxyMetrics</c>, <c>RateLimitingMetrics</c> and <c>BudgetMetrics</c>.</summary>
    public static readonly string[] Current =
    [
        "aiproxy_config_reloads_total",
        "aiproxy_requests_total",
        "aiproxy_request_duration_seconds",
        "aiproxy_time_to_first_byte_seconds",
        "aiproxy_upstream_attempts_total",
        "aiproxy_tokens_total",
        "aiproxy_cost_usd_total",
        "aiproxy_requests_in_flight",
        "aiproxy_streams_in_flight",
        "aiproxy_ratelimit_rejections_total",
        "aiproxy_ratelimit_fallbacks_total",
        "aiproxy_ratelimit_requests_quota",
        "aiproxy_ratelimit_requests_usage",
        "aiproxy_ratelimit_tokens_quota",
        "aiproxy_ratelimit_tokens_usage",
        "aiproxy_budget_refusals_total",
        "aiproxy_budget_fallbacks_total",
        "aiproxy_budget_local",
        "aiproxy_budget_used",
        "aiproxy_budget_limit",
    ];

    /// <summary>Announced by the cache and key-pool work; simulated in tests until their instruments land.</summary>
    public static readonly string[] Pending =
    [
        "aiproxy_cache_lookups_total",
        "aiproxy_cache_l2_errors_total",
        "aiproxy_key_state",
        "aiproxy_provider_requests_quota",
        "aiproxy_provider_requests_usage",
        "aiproxy_provider_tokens_quota",
        "aiproxy_provider_tokens_usage",
    ];

    /// <summary>Exported by the semantic cache (<c>SemanticCacheMetrics</c>) when <c>Cache.Semantic.Enabled</c>.</summary>
    public static readonly string[] Semantic =
    [
        "aiproxy_semantic_lookups_total",
        "aiproxy_semantic_guard_rejections_total",
        "aiproxy_semantic_similarity",
        "aiproxy_semantic_embedding_duration_seconds",
        "aiproxy_semantic_entries",
    ];

    /// <summary>Exported by the admission gate (overload shedding, shutdown drain).</summary>
    public static readonly string[] Admission =
    [
        "aiproxy_requests_shed_total",
    ];

    public static IEnumerable<string> All => Current.Concat(Pending).Concat(Semantic).Concat(Admission);
}

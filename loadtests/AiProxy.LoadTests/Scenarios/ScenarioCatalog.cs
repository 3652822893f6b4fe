namespace AiProxy.LoadTests.Scenarios;

/// <summary>Every scenario <c>run --scenario NAME</c> knows.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<ScenarioInfo> All { get; } =
    [
        new("passthrough", "chat completion the cache bypasses (temperature 0.7): the full forwarding path", false, c => AiScenarios.PassThrough(c)),
        new("cache-hit", "the same cacheable chat completion (temperature 0): exact-cache hits; labels count x-aiproxy-cache", true, c => AiScenarios.CacheHit(c)),
        new("streaming", "streamed chat completion, 5 chunks + usage: time to first token and chunk gaps", false, c => AiScenarios.Streaming(c)),
        new("mixed", "chat, rewritten model (cheap), stream (o3-mini), embeddings, Responses API in turn", true, c => AiScenarios.Mixed(c)),
        new("rate-limited", "client limited to 120 requests/min: expected 429s (with retry-after) counted as status 429, not failures", true, c => AiScenarios.RateLimited(c)),
        new("key-failover", "provider whose first key always answers 429: every call must still end 200", true, c => AiScenarios.KeyFailover(c)),
        new("soak", "mix of chat, rewritten model, cache hits, streams, streams dropped by the client, embeddings, 429s (client limit, failing key); "
            + "the `soak` command runs it for 10 minutes and checks the proxy's RSS, GC heap, handles and threads", true, c => SoakScenario.Create(c)),
        new("semantic-hit", "reworded final user turns of one primed prompt: semantic-cache hits (local model); labels count x-aiproxy-cache", true,
            c => AiScenarios.SemanticHit(c), new Dictionary<string, string> { ["AiProxy__Cache__Semantic__Enabled"] = "true" }),
    ];

    public static ScenarioInfo? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}

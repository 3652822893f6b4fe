using System.Net;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Scenarios;

/// <summary>The scenarios, written against the NBomber-shaped API only (plus the stream marks).</summary>
internal static class AiScenarios
{
    private const string CacheHeader = "x-aiproxy-cache";

    /// <summary>Chat completion that the cache bypasses (temperature 0.7): the proxy's full forwarding path.</summary>
    public static ScenarioProps PassThrough(LoadClient client, string name = "passthrough") =>
        Scenario.Create(name, async ctx =>
        {
            using var response = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.PassThrough), ctx.ScenarioCancellationToken);
            var bytes = await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken);
            return response.StatusCode == HttpStatusCode.OK ? Response.Ok("200", bytes) : Response.Fail(((int)response.StatusCode).ToString(), "unexpected status", bytes);
        });

    /// <summary>The same cacheable chat completion over and over: every call after the first is an exact-cache hit.</summary>
    public static ScenarioProps CacheHit(LoadClient client, string name = "cache-hit") =>
        Scenario.Create(name, async ctx =>
        {
            using var response = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.Cacheable), ctx.ScenarioCancellationToken);
            var bytes = await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken);
            var cache = response.Headers.TryGetValues(CacheHeader, out var values) ? values.FirstOrDefault() : null;
            return response.StatusCode == HttpStatusCode.OK ? Response.Ok("200", bytes, "cache:" + (cache ?? "none")) : Response.Fail(((int)response.StatusCode).ToString(), "unexpected status", bytes);
        })
        .WithInit(async token =>
        {
            // Prime the entry so the measured calls are hits.
            using var response = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.Cacheable), token);
            await LoadClient.DrainAsync(response, token);
        });

    /// <summary>A streamed chat completion (5 chunks + usage); marks time to first token and the gaps between reads.</summary>
    public static ScenarioProps Streaming(LoadClient client, string name = "streaming") =>
        Scenario.Create(name, async ctx =>
        {
            using var response = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.Stream), ctx.ScenarioCancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Response.Fail(((int)response.StatusCode).ToString(), "unexpected status", await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken));
            }
            var (bytes, done) = await LoadClient.ReadStreamAsync(response, ctx.MarkChunk, ctx.ScenarioCancellationToken);
            return done ? Response.Ok("200", bytes) : Response.Fail("200", "stream ended without [DONE]", bytes);
        });

    /// <summary>A mix across routes and endpoints: plain chat, a rewritten model, a stream, embeddings, the Responses API.</summary>
    public static ScenarioProps Mixed(LoadClient client, string name = "mixed") =>
        Scenario.Create(name, async ctx =>
        {
            var (label, path, body, stream) = (ctx.InvocationNumber % 5) switch
            {
                0 => ("chat", "v1/chat/completions", ChatBodies.PassThrough, false),
                1 => ("cheap", "v1/chat/completions", ChatBodies.Cheap, false),
                2 => ("stream", "v1/chat/completions", ChatBodies.StreamO3, true),
                3 => ("embeddings", "v1/embeddings", ChatBodies.Embeddings, false),
                _ => ("responses", "v1/responses", ChatBodies.Responses, false),
            };
            using var response = await client.SendAsync(LoadClient.Post(path, body), ctx.ScenarioCancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Response.Fail(((int)response.StatusCode).ToString(), label, await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken));
            }
            if (stream)
            {
                var (bytes, done) = await LoadClient.ReadStreamAsync(response, ctx.MarkChunk, ctx.ScenarioCancellationToken);
                return done ? Response.Ok("200", bytes, label) : Response.Fail("200", label + ": no [DONE]", bytes);
            }
            return Response.Ok("200", await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken), label);
        });

    /// <summary>A client limited to 120 requests/minute: well-formed 429s (with retry-after) are expected and counted as ok with status 429.</summary>
    public static ScenarioProps RateLimited(LoadClient client, string name = "rate-limited") =>
        Scenario.Create(name, async ctx =>
        {
            using var response = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.PassThrough, LoadClient.LimitedClientKey), ctx.ScenarioCancellationToken);
            var bytes = await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken);
            return (int)response.StatusCode switch
            {
                200 => Response.Ok("200", bytes, "allowed"),
                429 when response.Headers.RetryAfter is not null => Response.Ok("429", bytes, "limited (expected)"),
                var code => Response.Fail(code.ToString(), code == 429 ? "429 without retry-after" : "unexpected status", bytes),
            };
        });

    /// <summary>A provider whose first key always answers 429: the proxy must fail over to the second key before the client sees anything.</summary>
    public static ScenarioProps KeyFailover(LoadClient client, string name = "key-failover") =>
        Scenario.Create(name, async ctx =>
        {
            using var response = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.Failover), ctx.ScenarioCancellationToken);
            var bytes = await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken);
            return response.StatusCode == HttpStatusCode.OK ? Response.Ok("200", bytes) : Response.Fail(((int)response.StatusCode).ToString(), "key failover did not hide the 429", bytes);
        });

    /// <summary>
    /// Paraphrases of one primed prompt (same system prompt, reworded final user turn): each call embeds, searches and
    /// guards, then replays the stored answer. Needs a proxy with <c>Cache.Semantic.Enabled</c> (the runner's own sets it).
    /// </summary>
    public static ScenarioProps SemanticHit(LoadClient client, string name = "semantic-hit") =>
        Scenario.Create(name, async ctx =>
        {
            var body = ChatBodies.Paraphrases[(int)(ctx.InvocationNumber % ChatBodies.Paraphrases.Length)];
            // no-store: a miss (say, an embedding over budget) must not become an exact entry, or later calls would be
            // exact hits and the scenario would stop measuring the semantic path.
            using var request = LoadClient.Post("v1/chat/completions", body);
            request.Headers.TryAddWithoutValidation("cache-control", "no-store");
            using var response = await client.SendAsync(request, ctx.ScenarioCancellationToken);
            var bytes = await LoadClient.DrainAsync(response, ctx.ScenarioCancellationToken);
            var cache = response.Headers.TryGetValues(CacheHeader, out var values) ? values.FirstOrDefault() : null;
            return response.StatusCode == HttpStatusCode.OK ? Response.Ok("200", bytes, "cache:" + (cache ?? "none")) : Response.Fail(((int)response.StatusCode).ToString(), "unexpected status", bytes);
        })
        .WithInit(async token =>
        {
            // Store the original, then wait until a paraphrase is served by meaning (the model loads on first use and the
            // answer is remembered in the background).
            using (var primed = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.SemanticOriginal), token))
            {
                await LoadClient.DrainAsync(primed, token);
            }
            for (var attempt = 0; attempt < 120; attempt++)
            {
                // no-store: a probe that misses must not be stored itself (it would then be an exact hit, or a rival prompt).
                using var request = LoadClient.Post("v1/chat/completions", ChatBodies.Paraphrases[0]);
                request.Headers.TryAddWithoutValidation("cache-control", "no-store");
                using var probe = await client.SendAsync(request, token);
                await LoadClient.DrainAsync(probe, token);
                if (probe.Headers.TryGetValues(CacheHeader, out var values) && values.FirstOrDefault() == "semantic-hit") return;
                await Task.Delay(250, token);
            }
            throw new InvalidOperationException("the proxy never answered a paraphrase from the semantic cache: is Cache.Semantic.Enabled set?");
        });
}

using System.Buffers;
using System.Net;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Scenarios;

/// <summary>
/// The soak mix, in turn over ten calls: plain chat (×2), a rewritten model, a cache hit, a full stream (×2), a stream
/// the client drops after its first read, embeddings, a rate-limited client (429 expected) and a route whose first
/// key always answers 429 (the proxy fails over). Every kind a long-running proxy must not leak on.
/// </summary>
internal static class SoakScenario
{
    public static ScenarioProps Create(LoadClient client, string name = "soak") =>
        Scenario.Create(name, ctx => Call(client, Kind(ctx.InvocationNumber), ctx))
        .WithInit(async token =>
        {
            using var response = await client.SendAsync(LoadClient.Post("v1/chat/completions", ChatBodies.Cacheable), token);
            await LoadClient.DrainAsync(response, token);
        });

    /// <summary>The label of the <paramref name="invocation"/>-th call of the mix.</summary>
    public static string Kind(long invocation) => (invocation % 10) switch
    {
        0 or 5 => "chat",
        1 => "cheap",
        2 => "cache-hit",
        3 or 8 => "stream",
        4 => "disconnect",
        6 => "embeddings",
        7 => "limited",
        _ => "key-failover",
    };

    private static async Task<Response> Call(LoadClient client, string kind, IScenarioContext ctx)
    {
        var token = ctx.ScenarioCancellationToken;
        var (path, body, key) = kind switch
        {
            "cheap" => ("v1/chat/completions", ChatBodies.Cheap, LoadClient.ClientKey),
            "cache-hit" => ("v1/chat/completions", ChatBodies.Cacheable, LoadClient.ClientKey),
            "stream" or "disconnect" => ("v1/chat/completions", ChatBodies.Stream, LoadClient.ClientKey),
            "embeddings" => ("v1/embeddings", ChatBodies.Embeddings, LoadClient.ClientKey),
            "limited" => ("v1/chat/completions", ChatBodies.PassThrough, LoadClient.LimitedClientKey),
            "key-failover" => ("v1/chat/completions", ChatBodies.Failover, LoadClient.ClientKey),
            _ => ("v1/chat/completions", ChatBodies.PassThrough, LoadClient.ClientKey),
        };
        using var response = await client.SendAsync(LoadClient.Post(path, body, key), token);
        var status = (int)response.StatusCode;
        if (kind == "limited" && status == 429)
        {
            return response.Headers.RetryAfter is not null
                ? Response.Ok("429", await LoadClient.DrainAsync(response, token), "limited (expected 429)")
                : Response.Fail("429", "429 without retry-after");
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Response.Fail(status.ToString(), kind, await LoadClient.DrainAsync(response, token));
        }
        if (kind == "disconnect")
        {
            // Read once, then dispose the response mid-stream: the connection is dropped under the proxy.
            return Response.Ok("200", await ReadFirstAsync(response, token), kind);
        }
        if (kind == "stream")
        {
            var (bytes, done) = await LoadClient.ReadStreamAsync(response, ctx.MarkChunk, token);
            return done ? Response.Ok("200", bytes, kind) : Response.Fail("200", "stream ended without [DONE]", bytes);
        }
        return Response.Ok("200", await LoadClient.DrainAsync(response, token), kind);
    }

    private static async Task<long> ReadFirstAsync(HttpResponseMessage response, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(token);
            return await stream.ReadAsync(buffer, token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

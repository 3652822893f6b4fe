using AiProxy.Caching;
using AiProxy.Clients;
using AiProxy.Configuration;
using AiProxy.Pipeline;
using AiProxy.Routing;
using BenchmarkDotNet.Attributes;

namespace AiProxy.Benchmarks;

/// <summary>What AiProxy does per request before forwarding: body parse + route match, client-key check, cache key.</summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private RouteTable _routes = null!;
    private ClientTable _clients = null!;

    [Params("small", "large")]
    public string Body { get; set; } = "small";

    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        _body = Body == "small" ? Payloads.SmallChat : Payloads.LargeChat;
        CompiledRoute Route(string name, int index, params string[] globs) =>
            new() { Name = name, Index = index, Models = [.. globs.Select(g => new ModelGlob(g))], Providers = [] };
        var fallback = Route("default", 3, "*");
        _routes = new RouteTable([Route("local", 0, "llama*", "qwen*", "mistral*"), Route("cheap", 1, "cheap"), Route("openai", 2, "gpt-*", "o*"), fallback], fallback);
        _clients = ClientTable.Compile(new AiProxyOptions { Clients = new() { ["load"] = new ClientOptions { Keys = ["sk-load-client"] }, ["other"] = new ClientOptions { Keys = ["sk-other"] } } });
    }

    [Benchmark(Description = "body parse + route match")]
    public object? ParseAndRoute()
    {
        RequestBodyParser.Parse(_body, AiOperation.ChatCompletions, out var request);
        return _routes.Match(request.Model);
    }

    [Benchmark(Description = "client key check (SHA-256)")]
    public bool ClientKey() => _clients.TryAuthenticate("sk-load-client", out _);

    // A keep-alive connection's next request: Kestrel hands over the same header string, found by reference.
    [Benchmark(Description = "client key check (header seen before)")]
    public bool ClientKeySeenHeader() => _clients.TryAuthenticateHeader(Header, Header.AsSpan(7), out _);

    private static readonly string Header = "Bearer sk-load-client";

    [Benchmark(Description = "cache key canonicalisation")]
    public string CacheKey()
    {
        CacheKeyBuilder.TryBuild(_body, AiOperation.ChatCompletions, "openai", "gpt-4o-mini", null, out var key);
        return key;
    }
}

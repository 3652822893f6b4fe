using System.Diagnostics.Metrics;
using AiProxy.Configuration;
using AiProxy.Metrics;
using AiProxy.Pipeline;
using AiProxy.Redis;
using AiProxy.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// The semantic layer as the response cache uses it, built once from <c>Cache.Semantic</c> at start-up: with it off,
/// nothing is built and no model is loaded. Lookups run after an exact-cache miss; a completed, stored answer is
/// remembered under its request's final user turn, and shared with other replicas through Redis when configured.
/// </summary>
internal sealed partial class SemanticCacheService : IDisposable
{
    /// <summary>The <c>x-aiproxy-cache</c> value of an answer served by meaning.</summary>
    public const string HitStatus = "semantic-hit";

    /// <summary>Response header with the similarity of the stored prompt that answered.</summary>
    public const string ScoreHeader = "x-aiproxy-semantic-score";

    private readonly SemanticCache? _cache;
    private readonly BudgetedEmbedder? _embedder;
    private readonly SemanticIndex? _index;
    private readonly SemanticIndexReplication? _replication;
    private readonly IDisposable? _generator;
    private readonly TimeProvider _time;
    private readonly int _maxTurns;
    private readonly ILogger<SemanticCacheService> _logger;

    public SemanticCacheService(AiProxyConfigStore store, IRedisConnection redis, IServer server, IMeterFactory meters, TimeProvider time,
        ILoggerFactory loggers)
    {
        _time = time;
        _logger = loggers.CreateLogger<SemanticCacheService>();
        var options = store.Current.Options.Cache;
        if (options?.Semantic is not { Enabled: true } semantic) return;

        var settings = SemanticCacheSettingsFactory.Create(semantic, options.Ttl);
        _maxTurns = settings.MaxTurns;
        var local = settings.Embeddings == "local" ? new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { Precision = settings.LocalPrecision }) : null;
        IEmbeddingGenerator<string, Embedding<float>> generator = local
            ?? (IEmbeddingGenerator<string, Embedding<float>>)new UpstreamEmbeddingGenerator(
                new HttpClient(new LoopbackEmbeddingHandler(server)) { BaseAddress = new Uri("http://loopback/v1/") },
                settings.Model!, dimensions: LocalMiniLmEmbeddingGenerator.Dimensions);
        _generator = generator;
        // Vectors of different embedders (int8 vs fp32 MiniLM, or an upstream model) are never compared: each has its own Redis log.
        EmbedderId = local?.EmbedderId ?? "upstream-" + settings.Model;
        Log.Embedder(_logger, EmbedderId);
        var metrics = new SemanticCacheMetrics(meters, ProxyMetrics.MeterName);
        _index = new SemanticIndex(LocalMiniLmEmbeddingGenerator.Dimensions, settings.MaxEntries, settings.MaxBytes, settings.Ttl, time);
        _embedder = new BudgetedEmbedder(generator, settings.EmbeddingBudget, time, loggers.CreateLogger<BudgetedEmbedder>(), metrics);
        _cache = new SemanticCache(settings, _embedder, _index, loggers.CreateLogger<SemanticCache>(), metrics);
        if (redis.IsConfigured)
        {
            _replication = new SemanticIndexReplication(redis, _index, EmbedderId, _logger);
        }
    }

    /// <summary>Gets a value indicating whether <c>Cache.Semantic.Enabled</c> was set at start-up.</summary>
    public bool IsEnabled => _cache is not null;

    /// <summary>Gets the identity of the embedder whose vectors this replica stores and shares; null while the semantic cache is off.</summary>
    internal string? EmbedderId { get; }

    /// <summary>Gets the number of prompts in the index (for tests and diagnostics).</summary>
    internal long Entries => _index?.Count ?? 0;

    /// <summary>Gets the replication's start (entries loaded from Redis, channel subscribed); completed when there is none.</summary>
    internal Task Ready => _replication?.Ready ?? Task.CompletedTask;

    /// <summary>Looks the request's final user turn up in its scope; never throws and never waits past the embedding budget.</summary>
    public async ValueTask<SemanticProbe> LookupAsync(AiRequestFeature feature, string? clientScope, bool lookup, CancellationToken cancellationToken)
    {
        if (_cache is null
            || !SemanticScopeKey.TryCreate(feature.Request!.Body.Span, feature.Operation, clientScope, feature.Route.Name,
                feature.Route.RewriteModel ?? feature.Request.Model, _maxTurns, out var request, out var refusal))
        {
            return SemanticProbe.None;
        }
        if (!lookup)
        {
            // cache-control: no-cache skips the lookup; the answer is still remembered afterwards.
            return new SemanticProbe(request, SemanticLookupResult.Miss(SemanticReasons.Disabled), Eligible: true);
        }
        var result = await _cache.LookupAsync(request.Scope, request.FinalTurn, cancellationToken).ConfigureAwait(false);
        return new SemanticProbe(request, result, Eligible: true);
    }

    /// <summary>Remembers a stored answer's exact-cache key under the request's final turn (in the background: the client has its answer).</summary>
    public void Remember(in SemanticProbe probe, string answerKey)
    {
        if (_cache is null || !probe.Eligible) return;
        var request = probe.Request;
        var vector = probe.Result.Vector;
        if (vector is not null)
        {
            Store(request, vector, answerKey);
            return;
        }
        _ = EmbedAndStoreAsync(request, answerKey);
    }

    private async Task EmbedAndStoreAsync(SemanticRequest request, string answerKey)
    {
        try
        {
            // The lookup had no vector (over budget while the model loaded, or no-cache). Identical texts share one
            // embedding flight, so waiting budget after budget joins the same computation until it ends (≤ ~10 s).
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var outcome = await _embedder!.EmbedAsync(request.FinalTurn, CancellationToken.None).ConfigureAwait(false);
                if (outcome.Succeeded)
                {
                    Store(request, outcome.Vector!, answerKey);
                    return;
                }
                if (outcome.FailureReason != SemanticReasons.EmbeddingTimeout) return;
            }
        }
        catch (Exception ex)
        {
            Log.RememberFailed(_logger, ex.GetType().Name);
        }
    }

    private void Store(SemanticRequest request, float[] vector, string answerKey)
    {
        if (_replication is null)
        {
            _cache!.Add(request.Scope, request.FinalTurn, vector, answerKey);
            return;
        }
        var quantized = new sbyte[vector.Length];
        var scale = Int8Vectors.Quantize(vector, quantized);
        _replication.Add(new SemanticIndexRecord(request.Scope, request.FinalTurn, answerKey, _time.GetUtcNow(), scale, quantized));
    }

    public void Dispose()
    {
        _replication?.Dispose();
        _generator?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(4313, LogLevel.Warning, "Remembering an answer in the semantic cache failed ({Error}); it stays in the exact cache only.")]
        public static partial void RememberFailed(ILogger logger, string error);

        [LoggerMessage(4314, LogLevel.Information, "Semantic cache on with embedder {EmbedderId}; replicas share entries only with the same embedder (minilm-int8-7bit: an x86 CPU without VNNI, int8 weights in 7 bits).")]
        public static partial void Embedder(ILogger logger, string embedderId);
    }
}

using Microsoft.Extensions.Logging;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// The semantic cache: embed the final user turn under a budget, find the most similar stored turn of the same
/// scope, and accept it only above the threshold, with a margin over a different runner-up and past every enabled
/// guard. A hit names the exact-cache key whose answer to replay; every miss names its reason.
/// </summary>
internal sealed class SemanticCache
{
    private readonly SemanticCacheSettings _options;
    private readonly BudgetedEmbedder _embedder;
    private readonly SemanticIndex _index;
    private readonly SemanticGuards _guards;
    private readonly MarginGuard? _margin;
    private readonly SemanticCacheMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly float _threshold;

    public SemanticCache(SemanticCacheSettings options, BudgetedEmbedder embedder, SemanticIndex index, ILogger<SemanticCache> logger, SemanticCacheMetrics? metrics = null)
    {
        _options = options;
        _embedder = embedder;
        _index = index;
        _guards = new SemanticGuards(options.Guards);
        _margin = options.Guards.Margin ? new MarginGuard(options.Margin) : null;
        _metrics = metrics;
        _logger = logger;
        _threshold = (float)options.Threshold;
        metrics?.ObserveEntries(() => index.Count);
    }

    public SemanticIndex Index => _index;

    /// <summary>Looks up the final user turn of a request in its scope; never throws on embedding trouble.</summary>
    public async ValueTask<SemanticLookupResult> LookupAsync(string scope, string finalTurn, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return SemanticLookupResult.Miss(SemanticReasons.Disabled);
        }

        var embedding = await _embedder.EmbedAsync(finalTurn, cancellationToken).ConfigureAwait(false);
        if (!embedding.Succeeded)
        {
            return Missed(SemanticLookupResult.Miss(embedding.FailureReason!));
        }

        return Match(scope, finalTurn, embedding.Vector!);
    }

    /// <summary>The search + threshold + guards part of a lookup, for a vector already computed.</summary>
    public SemanticLookupResult Match(string scope, string finalTurn, float[] vector)
    {
        if (vector.Length != _index.Dimensions)
        {
            return Missed(SemanticLookupResult.Miss(SemanticReasons.EmbeddingDimensions));
        }

        var found = _index.Search(scope, vector);
        if (!found.Found)
        {
            return Missed(SemanticLookupResult.Miss(SemanticReasons.Empty, vector: vector));
        }

        _metrics?.Similarity(found.Score);
        if (found.Score < _threshold)
        {
            return Missed(SemanticLookupResult.Miss(SemanticReasons.BelowThreshold, found.Score, vector));
        }

        var rejection = _margin is not null && _margin.Rejects(found.Score, found.RunnerUp, _threshold)
            ? _margin.Reason
            : _guards.FindRejection(finalTurn, found.Text!);
        if (rejection is not null)
        {
            _metrics?.GuardRejected(rejection);
            Log.GuardRejected(_logger, found.Score, rejection);
            return Missed(SemanticLookupResult.Miss(rejection, found.Score, vector));
        }

        _metrics?.Hit();
        return new SemanticLookupResult(true, found.AnswerKey, found.Score, "hit", vector);
    }

    /// <summary>Stores a completed answer's exact-cache key under the prompt's vector (from the lookup's miss).</summary>
    public bool Add(string scope, string finalTurn, float[] vector, string answerKey) =>
        _options.Enabled && _index.Add(scope, finalTurn, vector, answerKey);

    /// <summary>
    /// Stores a completed answer after the response went out: uses the lookup's vector, or embeds now (the lookup may
    /// have missed on the budget while the model loaded). False when there is nothing to store.
    /// </summary>
    public async ValueTask<bool> AddAsync(string scope, string finalTurn, float[]? vector, string answerKey, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return false;
        }

        if (vector is null)
        {
            var embedding = await _embedder.EmbedAsync(finalTurn, cancellationToken).ConfigureAwait(false);
            if (!embedding.Succeeded)
            {
                return false;
            }

            vector = embedding.Vector!;
        }

        return _index.Add(scope, finalTurn, vector, answerKey);
    }

    private SemanticLookupResult Missed(SemanticLookupResult result)
    {
        _metrics?.Miss(result.Reason);
        return result;
    }
}

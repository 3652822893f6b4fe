using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Semantic cache instruments: <c>aiproxy.semantic.lookups</c> (result, reason), <c>aiproxy.semantic.guard_rejections</c>
/// (reason), <c>aiproxy.semantic.similarity</c> (best score per lookup) and <c>aiproxy.semantic.embedding.duration</c> (outcome).
/// </summary>
internal sealed class SemanticCacheMetrics
{
    public const string LookupsName = "aiproxy.semantic.lookups";
    public const string RejectionsName = "aiproxy.semantic.guard_rejections";
    public const string SimilarityName = "aiproxy.semantic.similarity";
    public const string EmbeddingDurationName = "aiproxy.semantic.embedding.duration";
    public const string EntriesName = "aiproxy.semantic.entries";

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _rejections;
    private readonly Histogram<double> _similarity;
    private readonly Histogram<double> _embeddingDuration;
    private readonly Meter _meter;

    public SemanticCacheMetrics(IMeterFactory meterFactory, string meterName)
    {
        _meter = meterFactory.Create(meterName);
        _lookups = _meter.CreateCounter<long>(LookupsName, unit: "{lookup}", description: "Semantic cache lookups by result and miss reason.");
        _rejections = _meter.CreateCounter<long>(RejectionsName, unit: "{rejection}", description: "Semantic candidates above the threshold rejected by a guard, by guard.");
        _similarity = _meter.CreateHistogram<double>(
            SimilarityName,
            unit: "1",
            description: "Cosine similarity of the best semantic candidate per lookup.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 0.6, 0.7, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98, 1.0] });
        _embeddingDuration = _meter.CreateHistogram<double>(
            EmbeddingDurationName,
            unit: "s",
            description: "Time to embed a prompt for the semantic cache, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1] });
    }

    /// <summary>Observes the index size; call once with the index the cache uses.</summary>
    public void ObserveEntries(Func<long> entries) =>
        _meter.CreateObservableUpDownCounter(EntriesName, entries, unit: "{entry}", description: "Entries in the semantic index.");

    public void Hit() => Lookup("hit", "none");

    public void Miss(string reason) => Lookup("miss", reason);

    public void GuardRejected(string reason)
    {
        if (_rejections.Enabled)
        {
            _rejections.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Similarity(float score)
    {
        if (_similarity.Enabled)
        {
            _similarity.Record(score);
        }
    }

    public void EmbeddingDuration(TimeSpan elapsed, string outcome)
    {
        if (_embeddingDuration.Enabled)
        {
            _embeddingDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private void Lookup(string result, string reason)
    {
        if (_lookups.Enabled)
        {
            var tags = new TagList { { "result", result }, { "reason", reason } };
            _lookups.Add(1, in tags);
        }
    }
}

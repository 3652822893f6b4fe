using System.Collections.Concurrent;

namespace AiProxy.Metrics;

/// <summary>
/// Keeps the <c>model</c> label bounded: routed model names are kept up to a cap, anything else (unknown models,
/// names past the cap) folds into <c>other</c>, so arbitrary client input cannot explode metric cardinality.
/// </summary>
internal sealed class ModelLabels
{
    public const string Other = "other";
    private const int MaxModels = 200;
    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);

    public string For(string? model, bool routed)
    {
        if (!routed || string.IsNullOrEmpty(model) || model.Length > 100)
        {
            return Other;
        }
        if (_known.TryGetValue(model, out var label))
        {
            return label;
        }
        return _known.Count >= MaxModels ? Other : _known.GetOrAdd(model, model);
    }
}

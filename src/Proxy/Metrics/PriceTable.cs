using System.Runtime.CompilerServices;
using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Streaming;

namespace AiProxy.Metrics;

/// <summary>Model prices from config (globs, first match wins) for the estimated-cost metric.</summary>
internal sealed class PriceTable
{
    public static readonly PriceTable Empty = new([]);

    private static readonly ConditionalWeakTable<AiProxySnapshot, PriceTable> BySnapshot = new();

    private readonly (ModelGlob Glob, ModelPrice Price)[] _entries;

    private PriceTable((ModelGlob, ModelPrice)[] entries) => _entries = entries;

    public ModelPrice? Find(string? model)
    {
        if (model is null)
        {
            return null;
        }
        foreach (var (glob, price) in _entries)
        {
            if (glob.IsMatch(model))
            {
                return price;
            }
        }
        return null;
    }

    /// <summary>Gets the price table of a config generation (compiled on first use, then a lock-free lookup).</summary>
    public static PriceTable For(AiProxySnapshot snapshot) => BySnapshot.GetValue(snapshot, static s => Compile(s.Options.Prices));

    public static PriceTable Compile(Dictionary<string, ModelPriceOptions>? prices)
    {
        if (prices is null || prices.Count == 0)
        {
            return Empty;
        }
        var entries = new List<(ModelGlob, ModelPrice)>();
        foreach (var (pattern, p) in prices)
        {
            if (p is not null)
            {
                entries.Add((new ModelGlob(pattern), new ModelPrice(p.InputPerMillion ?? 0, p.OutputPerMillion ?? 0, p.CachedInputPerMillion ?? p.InputPerMillion ?? 0)));
            }
        }
        // Literal names before globs, so "gpt-4o-mini" wins over "gpt-4o*".
        entries.Sort(static (a, b) => a.Item1.IsLiteral == b.Item1.IsLiteral ? 0 : a.Item1.IsLiteral ? -1 : 1);
        return new PriceTable([.. entries]);
    }
}

/// <summary>USD per million tokens.</summary>
internal sealed record ModelPrice(double InputPerMillion, double OutputPerMillion, double CachedInputPerMillion)
{
    public double Cost(in TokenUsage usage)
    {
        var cached = Math.Min(usage.Cached, usage.Prompt);
        return ((usage.Prompt - cached) * InputPerMillion + cached * CachedInputPerMillion + usage.Completion * OutputPerMillion) / 1_000_000;
    }
}

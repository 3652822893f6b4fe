namespace AiProxy.Routing;

/// <summary><c>Balance: weighted</c>: the first provider is drawn at random in proportion to its <c>Weight</c>.</summary>
internal sealed class WeightedProviderSelector : IProviderSelector
{
    private readonly int[] _cumulative;
    private readonly Random _random;

    public WeightedProviderSelector(ProviderRuntime[] providers, Random? random = null)
    {
        _random = random ?? Random.Shared;
        _cumulative = new int[providers.Length];
        var total = 0;
        for (var i = 0; i < providers.Length; i++)
        {
            total += Math.Max(0, providers[i].Weight);
            _cumulative[i] = total;
        }
    }

    public int PickFirst()
    {
        var cumulative = _cumulative;
        if (cumulative.Length < 2 || cumulative[^1] <= 0)
        {
            return 0;
        }
        var pick = _random.Next(cumulative[^1]);
        for (var i = 0; i < cumulative.Length; i++)
        {
            if (pick < cumulative[i])
            {
                return i;
            }
        }
        return cumulative.Length - 1;
    }
}

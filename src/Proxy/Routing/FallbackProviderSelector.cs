namespace AiProxy.Routing;

/// <summary><c>Balance: fallback</c>: always the first provider; the next ones only when it fails or is unavailable.</summary>
internal sealed class FallbackProviderSelector : IProviderSelector
{
    public static readonly FallbackProviderSelector Instance = new();

    private FallbackProviderSelector()
    {
    }

    public int PickFirst() => 0;
}

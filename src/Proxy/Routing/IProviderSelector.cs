namespace AiProxy.Routing;

/// <summary>
/// Chooses the provider of a route that an attempt tries first; the others follow in config order, so a failed
/// choice still falls back through the whole route. One small implementation per <see cref="Configuration.BalanceMode"/>.
/// </summary>
internal interface IProviderSelector
{
    /// <summary>Returns the index (into the route's providers) to try first.</summary>
    int PickFirst();
}

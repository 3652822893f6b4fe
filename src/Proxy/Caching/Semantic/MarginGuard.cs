namespace AiProxy.Caching.Semantic;

/// <summary>
/// Rejects an ambiguous hit: a second stored prompt, different from the best one, also passes the threshold and scores
/// within the margin of the best. Two different stored questions that both look like the new one mean the new one
/// sits between them, not on either.
/// </summary>
internal sealed class MarginGuard(double margin)
{
    public string Reason => SemanticReasons.Margin;

    public bool Rejects(float best, float runnerUp, double threshold) =>
        runnerUp >= threshold && best - runnerUp < margin;
}

namespace AiProxy.Caching.Semantic;

/// <summary>The text guards the options turn on, applied in a fixed order; the first that rejects names the reason.</summary>
internal sealed class SemanticGuards
{
    private readonly ISemanticGuard[] _guards;

    public SemanticGuards(SemanticGuardSettings options)
    {
        var guards = new List<ISemanticGuard>(5);
        if (options.Negation)
        {
            guards.Add(new NegationGuard());
        }

        if (options.Numbers)
        {
            guards.Add(new NumberGuard());
        }

        if (options.Entities)
        {
            guards.Add(new EntityGuard());
        }

        if (options.Ordering)
        {
            guards.Add(new OrderingGuard());
        }

        if (options.Language)
        {
            guards.Add(new LanguageGuard());
        }

        _guards = [.. guards];
    }

    /// <summary>Gets a value indicating whether any text guard is on.</summary>
    public bool Any => _guards.Length > 0;

    /// <summary>Returns the <see cref="SemanticReasons"/> name of the first guard that rejects, or null when all accept.</summary>
    public string? FindRejection(string query, string candidate)
    {
        if (_guards.Length == 0)
        {
            return null;
        }

        var q = GuardText.Parse(query);
        var c = GuardText.Parse(candidate);
        foreach (var guard in _guards)
        {
            if (guard.Rejects(q, c))
            {
                return guard.Reason;
            }
        }

        return null;
    }

    /// <summary>Returns every rejecting guard's reason (for the evaluation report).</summary>
    public List<string> AllRejections(string query, string candidate)
    {
        var q = GuardText.Parse(query);
        var c = GuardText.Parse(candidate);
        var reasons = new List<string>();
        foreach (var guard in _guards)
        {
            if (guard.Rejects(q, c))
            {
                reasons.Add(guard.Reason);
            }
        }

        return reasons;
    }
}

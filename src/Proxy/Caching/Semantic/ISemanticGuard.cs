namespace AiProxy.Caching.Semantic;

/// <summary>A precise, explainable rule that rejects a candidate whose stored prompt is similar but asks something else.</summary>
internal interface ISemanticGuard
{
    /// <summary>Gets the <see cref="SemanticReasons"/> name counted when this guard rejects.</summary>
    string Reason { get; }

    /// <summary>Returns true when <paramref name="candidate"/> must not answer <paramref name="query"/>.</summary>
    bool Rejects(GuardText query, GuardText candidate);
}

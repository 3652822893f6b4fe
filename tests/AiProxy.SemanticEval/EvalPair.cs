namespace AiProxy.SemanticEval;

/// <summary>One labelled pair of tests/SemanticEval/pairs.jsonl.</summary>
internal sealed record EvalPair(string A, string B, string Label, string Category, string? Kind)
{
    public bool Same => Label == "same";
}

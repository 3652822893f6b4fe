namespace AiProxy.Pipeline;

/// <summary>The OpenAI operation a request is for; model-routed operations carry a JSON body with <c>model</c>.</summary>
internal enum AiOperation
{
    /// <summary>Any other <c>/v1/*</c> path: passed through to the default route's first provider.</summary>
    PassThrough,
    ChatCompletions,
    Completions,
    Embeddings,
    Responses,
}

namespace AiProxy.Streaming;

/// <summary>The request's side of an upstream answer, for <see cref="ObservedResponseTransform"/>.</summary>
/// <param name="Request">Where usage goes and who watches the answer; null when the answer passes through unobserved.</param>
/// <param name="ExpectDone">True when the stream must end with <c>data: [DONE]</c> (chat/completions).</param>
/// <param name="PassThrough">An unobserved pass-through answer (other <c>/v1/*</c> paths) that must still end when the drain time runs out.</param>
internal readonly record struct ObservedRequest(IUpstreamResponseFeature? Request, bool ExpectDone, bool PassThrough = false);

namespace AiProxy.Configuration;

/// <summary>When answers are cached (<c>AiProxy:Cache:Mode</c>, overridable per route).</summary>
internal enum CacheMode
{
    /// <summary>Never: the cache does no work at all for the route.</summary>
    Off,

    /// <summary>Only requests whose answer should repeat: <c>temperature</c> 0 or a <c>seed</c> (embeddings always); never <c>n</c> &gt; 1.</summary>
    Deterministic,

    /// <summary>Every model-routed request, <c>n</c> &gt; 1 included.</summary>
    Always,
}

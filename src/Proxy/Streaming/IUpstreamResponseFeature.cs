namespace AiProxy.Streaming;

/// <summary>What the response streams need from the request: where to put the usage, and who else watches the answer.</summary>
internal interface IUpstreamResponseFeature
{
    /// <summary>Gets or sets the usage the upstream reported (null until seen).</summary>
    TokenUsage? Usage { get; set; }

    /// <summary>Gets a value indicating whether the proxy added <c>stream_options.include_usage</c> and must drop the usage chunk.</summary>
    bool StripUsageChunk { get; }

    /// <summary>Gets the observers of the upstream answer (cache recording, coalescing); null when none.</summary>
    List<IUpstreamResponseObserver>? Observers { get; }
}

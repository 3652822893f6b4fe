namespace AiProxy.Caching.Semantic;

/// <summary>
/// ONNX Runtime session settings of <see cref="LocalMiniLmEmbeddingGenerator"/>. The defaults are the measured best for
/// one short prompt at a time on a shared machine; the other values exist so the SemanticEval bench can compare them
/// against the defaults in one run (see README "Semantic cache", Benchmarks).
/// </summary>
internal sealed record LocalEmbedderTuning
{
    /// <summary>Gets the default settings.</summary>
    public static LocalEmbedderTuning Default { get; } = new();

    /// <summary>Gets the threads one embedding may use (1: it runs on the caller's thread only).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>Gets a value indicating whether MatMul weights are pre-packed (+28 MB RSS, about half the latency).</summary>
    public bool Prepacking { get; init; } = true;

    /// <summary>Gets a value indicating whether the CPU memory arena is used.</summary>
    public bool CpuArena { get; init; }

    /// <summary>Gets a value indicating whether denormal floats are flushed to zero (session.set_denormal_as_zero).</summary>
    public bool DenormalAsZero { get; init; }

    /// <summary>Gets the file prefix of an ONNX Runtime profile (per-operator times) to write; null writes none.</summary>
    public string? ProfilePrefix { get; init; }

    /// <summary>Gets a rewrite of model.onnx before the session loads it (the bench tries a weight-quantised model); null loads it as shipped.</summary>
    public Func<byte[], byte[]>? ModelTransform { get; init; }

    /// <summary>Gets a label for bench output.</summary>
    public string Describe() =>
        $"intra={IntraOpThreads} prepack={(Prepacking ? "on" : "off")} arena={(CpuArena ? "on" : "off")} daz={(DenormalAsZero ? "on" : "off")}{(ModelTransform is null ? "" : " int8-weights")}";
}

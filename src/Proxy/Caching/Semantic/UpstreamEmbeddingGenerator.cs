using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Embeddings from an OpenAI-compatible <c>/v1/embeddings</c> endpoint. The <see cref="HttpClient"/> is the proxy's
/// own (its handler picks the provider key, retries and rewrites the path); this class only writes the request and
/// parses the float arrays.
/// </summary>
internal sealed class UpstreamEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly HttpClient _httpClient;
    private readonly string _model;
    private readonly Uri _endpoint;
    private readonly int? _dimensions;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <param name="httpClient">Sends the request; its handler authenticates and routes it.</param>
    /// <param name="model">The embedding model, e.g. <c>text-embedding-3-small</c>.</param>
    /// <param name="endpoint">The embeddings URI, absolute or relative to the client's base address; defaults to <c>embeddings</c>.</param>
    /// <param name="dimensions">Asks the model for this many dimensions (text-embedding-3-*), so vectors fit the index; null leaves it to the model.</param>
    public UpstreamEmbeddingGenerator(HttpClient httpClient, string model, Uri? endpoint = null, int? dimensions = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrEmpty(model);
        _httpClient = httpClient;
        _model = model;
        _endpoint = endpoint ?? new Uri("embeddings", UriKind.Relative);
        _dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("openai", httpClient.BaseAddress, model, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(WriteRequest(values, options?.Dimensions ?? _dimensions)) };
        request.Content.Headers.ContentType = JsonType;
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"embeddings endpoint answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Parse(document.RootElement, _model);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : null;

    public void Dispose()
    {
        // The HttpClient belongs to the caller.
    }

    /// <summary>Writes <c>{"model":…,"input":[…],"encoding_format":"float"[,"dimensions":n]}</c>.</summary>
    internal byte[] WriteRequest(IEnumerable<string> values, int? dimensions)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, _model);
            writer.WriteStartArray("input"u8);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
            writer.WriteString("encoding_format"u8, "float"u8);
            if (dimensions is int d)
            {
                writer.WriteNumber("dimensions"u8, d);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads OpenAI's <c>{"data":[{"index":i,"embedding":[…]}…]}</c> in index order.</summary>
    internal static GeneratedEmbeddings<Embedding<float>> Parse(JsonElement root, string model)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data"u8, out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("embeddings response has no data array");
        }

        var count = data.GetArrayLength();
        var vectors = new float[count][];
        var position = 0;
        foreach (var item in data.EnumerateArray())
        {
            var index = item.TryGetProperty("index"u8, out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : position;
            if (index < 0 || index >= count || vectors[index] is not null)
            {
                throw new InvalidDataException("embeddings response has a bad index");
            }

            if (!item.TryGetProperty("embedding"u8, out var embedding) || embedding.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("embeddings response item has no float array (base64 is not requested)");
            }

            var vector = new float[embedding.GetArrayLength()];
            var j = 0;
            foreach (var component in embedding.EnumerateArray())
            {
                vector[j++] = component.GetSingle();
            }

            vectors[index] = vector;
            position++;
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(count);
        foreach (var vector in vectors)
        {
            result.Add(new Embedding<float>(vector) { ModelId = model });
        }

        return result;
    }
}

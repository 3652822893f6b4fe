using System.Net;
using System.Text;
using System.Text.Json;
using AiProxy.Caching.Semantic;

namespace AiProxy.Tests.Caching.Semantic;

public sealed class UpstreamEmbeddingGeneratorTests
{
    private sealed class FakeHandler(Func<HttpRequestMessage, string, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public string? LastBody { get; private set; }

        public Uri? LastUri { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastUri = request.RequestUri;
            LastBody = await request.Content!.ReadAsStringAsync(cancellationToken);
            return respond(request, LastBody);
        }
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    [Fact]
    public async Task GenerateAsync_OpenAiResponse_VectorsInIndexOrder()
    {
        var handler = new FakeHandler((_, _) => Json("""{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.0,1.0]},{"object":"embedding","index":0,"embedding":[1.0,0.0]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":4,"total_tokens":4}}"""));
        using var client = new HttpClient(handler) { BaseAddress = new Uri("http://upstream/v1/") };
        var generator = new UpstreamEmbeddingGenerator(client, "text-embedding-3-small", dimensions: 2);

        var result = await generator.GenerateAsync(["first", "second"]);

        Assert.Equal([1f, 0f], result[0].Vector.ToArray());
        Assert.Equal([0f, 1f], result[1].Vector.ToArray());
        Assert.Equal("http://upstream/v1/embeddings", handler.LastUri!.ToString());
        using var body = JsonDocument.Parse(handler.LastBody!);
        Assert.Equal("text-embedding-3-small", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("input").GetArrayLength());
        Assert.Equal("float", body.RootElement.GetProperty("encoding_format").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("dimensions").GetInt32());
    }

    [Fact]
    public async Task GenerateAsync_ErrorStatus_Throws()
    {
        using var client = new HttpClient(new FakeHandler((_, _) => Json("""{"error":{"message":"x"}}""", HttpStatusCode.TooManyRequests))) { BaseAddress = new Uri("http://upstream/v1/") };
        var generator = new UpstreamEmbeddingGenerator(client, "m");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => generator.GenerateAsync(["q"]));
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
    }

    [Theory]
    [InlineData("""{"data":"nope"}""")]
    [InlineData("""{"data":[{"index":0,"embedding":"AAAA"}]}""")]
    [InlineData("""{"data":[{"index":3,"embedding":[1.0]}]}""")]
    public async Task GenerateAsync_MalformedResponse_Throws(string json)
    {
        using var client = new HttpClient(new FakeHandler((_, _) => Json(json))) { BaseAddress = new Uri("http://upstream/v1/") };
        var generator = new UpstreamEmbeddingGenerator(client, "m");

        await Assert.ThrowsAsync<InvalidDataException>(() => generator.GenerateAsync(["q"]));
    }
}

using AiProxy.Pipeline;
using AiProxy.Transforms.Upstream;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Tests.Pipeline;

public sealed class AiRequestMiddlewareTests
{
    private const string Limited = """
        {"AiProxy":{
          "MaxRequestBodyBytes": 200,
          "Providers":{"openai":{"Type":"openai","BaseUrl":"https://api.openai.com/v1","Keys":["sk-literal-secret-123"]}},
          "Routes":[{"Name":"gpt","Models":["gpt-*"],"Providers":["openai"]}]
        }}
        """;

    private readonly FakeTimeProvider _time = new();
    private AiRequestFeature? _seen;
    private int _calls;

    private AiRequestMiddleware Middleware(string? json = null)
    {
        var store = json is null ? PipelineTestConfig.Store() : PipelineTestConfig.Store(json);
        return new AiRequestMiddleware(
            context =>
            {
                _calls++;
                _seen = context.Features.Get<AiRequestFeature>();
                return Task.CompletedTask;
            },
            store,
            _time);
    }

    [Fact]
    public async Task Invoke_ChatBody_SetsOneParsedFeatureAndCallsNext()
    {
        var context = PipelineTestConfig.Request("POST", "/v1/chat/completions", """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"abcd"}],"max_tokens":10}""");

        await Middleware().Invoke(context);

        Assert.Equal(1, _calls);
        var feature = Assert.IsType<AiRequestFeature>(_seen);
        Assert.Equal(AiOperation.ChatCompletions, feature.Operation);
        Assert.Equal("gpt-4o", feature.Request!.Model);
        Assert.True(feature.Request.Stream);
        Assert.True(feature.EstimatedTokens >= 10);
        Assert.Same(feature, context.Features.Get<IUpstreamRequestFeature>());
        Assert.Equal(_time.GetTimestamp(), feature.StartTimestamp);
    }

    [Fact]
    public async Task Invoke_GetOnV1_IsPassThroughOnTheDefaultRoute()
    {
        var context = PipelineTestConfig.Request("GET", "/v1/files", null);

        await Middleware().Invoke(context);

        var feature = Assert.IsType<AiRequestFeature>(_seen);
        Assert.Equal(AiOperation.PassThrough, feature.Operation);
        Assert.Null(feature.Request);
        Assert.Same(feature.Snapshot.Routes.Default, feature.Route);
    }

    [Fact]
    public async Task Invoke_RawReverseProxyRoute_LeavesTheRequestToYarp()
    {
        var context = PipelineTestConfig.Request("POST", "/v1/chat/completions", "not json", routeId: "raw");

        await Middleware().Invoke(context);

        Assert.Equal(1, _calls);
        Assert.Null(_seen);
    }

    [Theory]
    [InlineData("{\"model\":", 400, "could not parse the JSON body")]
    [InlineData("{\"messages\":[]}", 400, "model")]
    [InlineData("{\"model\":\"claude-3\"}", 404, "model_not_found")]
    public async Task Invoke_BadBody_WritesOpenAiErrorWithoutCallingNext(string body, int status, string expected)
    {
        var context = PipelineTestConfig.Request("POST", "/v1/chat/completions", body);

        await Middleware(Limited).Invoke(context);

        Assert.Equal(0, _calls);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Contains(expected, PipelineTestConfig.ResponseText(context));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Invoke_BodyOverLimit_Writes413(bool declaredLength)
    {
        var context = PipelineTestConfig.Request("POST", "/v1/embeddings", "{\"model\":\"gpt-4o\",\"input\":\"" + new string('a', 400) + "\"}");
        if (!declaredLength)
        {
            context.Request.ContentLength = null;
        }

        await Middleware(Limited).Invoke(context);

        Assert.Equal(0, _calls);
        Assert.Equal(StatusCodes.Status413RequestEntityTooLarge, context.Response.StatusCode);
    }
}

using System.Net;
using AiProxy.Pipeline;
using AiProxy.Routing;
using AiProxy.Tests.Routing;
using AiProxy.Upstream;
using Microsoft.AspNetCore.Http;
using Polly;
using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Tests.Upstream;

public sealed class UpstreamOutcomeTransformTests
{
    private readonly FakeTimeProvider _time = new();

    private (ResponseTransformContext Transform, ResilienceContext Attempt) Context(int status, bool retryAllowed, int providers = 2)
    {
        var http = new DefaultHttpContext();
        var all = ProviderTestData.Providers(providers, _time);
        http.Features.Set(new AiRequestFeature(null!, AiOperation.PassThrough, new CompiledRoute { Name = "r", Index = 0, Models = [], Providers = all }));
        var attempt = ResilienceContextPool.Shared.Get();
        attempt.Properties.Set(UpstreamResilienceKeys.Attempt,
            new UpstreamAttemptState { Provider = all[0], RetryAllowed = retryAllowed, AttemptStart = _time.GetTimestamp() });
        http.Features.Set(attempt);
        var transform = new ResponseTransformContext { HttpContext = http, ProxyResponse = new HttpResponseMessage((HttpStatusCode)status), HeadersCopied = false };
        return (transform, attempt);
    }

    [Theory]
    [InlineData(503, true, true)]
    [InlineData(503, false, false)] // the last attempt's answer goes to the client as it is
    [InlineData(200, true, false)]
    [InlineData(400, true, false)]
    public async Task Apply_Status_WritesTheAnswerAndSuppressesOnlyARetry(int status, bool retryAllowed, bool suppressed)
    {
        var (context, attempt) = Context(status, retryAllowed);

        await new UpstreamOutcomeTransform(_time).ApplyAsync(context);

        Assert.Equal(suppressed, context.SuppressResponseBody);
        Assert.Equal(new UpstreamAnswer(status, suppressed), attempt.Properties.GetValue(UpstreamResilienceKeys.Attempt, null!).Answer);
    }

    [Fact]
    public async Task Apply_Success_RecordsTheTimeToFirstByte()
    {
        var (context, attempt) = Context(200, retryAllowed: true);
        _time.Advance(TimeSpan.FromMilliseconds(250));

        await new UpstreamOutcomeTransform(_time).ApplyAsync(context);

        Assert.Equal(TimeSpan.FromMilliseconds(250), attempt.Properties.GetValue(UpstreamResilienceKeys.Attempt, null!).Provider!.Latency);
    }

    [Fact]
    public async Task Apply_NoAttemptInProgress_DoesNothing()
    {
        var context = new ResponseTransformContext { HttpContext = new DefaultHttpContext(), ProxyResponse = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), HeadersCopied = false };

        await new UpstreamOutcomeTransform(_time).ApplyAsync(context);

        Assert.False(context.SuppressResponseBody);
    }
}

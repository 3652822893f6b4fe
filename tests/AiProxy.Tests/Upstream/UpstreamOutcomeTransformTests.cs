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

    [Theory]
    // Another provider: the in-band 429 is retried like an HTTP 429 (suppressed), classified as throttling.
    [InlineData("""{"error":{"code":429,"message":"Rate limit exceeded"}}""", 2, 429, true, "Throttled")]
    [InlineData("""{"error":{"message":"You exceeded your current quota.","type":"insufficient_quota"}}""", 2, 429, true, "QuotaExhausted")]
    [InlineData("""{"error":{"message":"Provider returned error","code":502}}""", 2, 502, true, "None")]
    // Nowhere else to go: the 429 goes to the client as the upstream sent it; a 403 about the request is never retried.
    [InlineData("""{"error":{"code":429,"message":"Rate limit exceeded"}}""", 1, 429, false, "Throttled")]
    [InlineData("""{"error":{"code":403,"message":"Your chosen model requires moderation"}}""", 2, 403, false, "Forbidden")]
    public async Task Apply_InBandErrorAsTheFirstEvent_CountsAsTheHttpAnswerItStandsFor(string error, int providers, int status, bool retried, string kind)
    {
        var (context, attempt) = Context(200, retryAllowed: true, providers);
        attempt.Properties.GetValue(UpstreamResilienceKeys.Attempt, null!).FirstEventHold = TimeSpan.FromSeconds(5);
        var sse = ": OPENROUTER PROCESSING\n\ndata: " + error + "\n\n";
        context.ProxyResponse!.Content = new StringContent(sse, System.Text.Encoding.UTF8, "text/event-stream");

        await new UpstreamOutcomeTransform(_time).ApplyAsync(context);

        var answer = attempt.Properties.GetValue(UpstreamResilienceKeys.Attempt, null!).Answer;
        Assert.Equal((status, retried, kind), (answer.Status, answer.RetryRequested, answer.Error.ToString()));
        Assert.Equal(retried, context.SuppressResponseBody);
        if (!retried)
        {
            Assert.Equal(sse, await context.ProxyResponse.Content.ReadAsStringAsync());
        }
    }
}

using System.Diagnostics.Metrics;
using AiProxy.Configuration;
using AiProxy.Metrics;
using AiProxy.Pipeline;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Tests.Routing;
using AiProxy.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Tests.Upstream;

public sealed class UpstreamForwardingMiddlewareTests
{
    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
    private readonly FakeTimeProvider _time = new();
    private readonly ProviderRuntime[] _providers;
    private int _forwards;

    public UpstreamForwardingMiddlewareTests() => _providers = ProviderTestData.Providers(1, _time);

    private UpstreamForwardingMiddleware Middleware(ForwarderError? error) => Middleware(context =>
    {
        _forwards++;
        // Each attempt runs inside the pipeline: the resilience context is the request's feature while it runs.
        Assert.Equal(context.Features.Get<AiRequestFeature>() is not null, context.Features.Get<ResilienceContext>() is not null);
        if (error is { } e)
        {
            context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(e));
        }
        return Task.CompletedTask;
    });

    private UpstreamForwardingMiddleware Middleware(RequestDelegate forward) => new(
        forward,
        new NoClusters(),
        NullLoggerFactory.Instance,
        _time,
        new ProxyMetrics(Meters));

    private DefaultHttpContext Routed(int maxAttempts = 1)
    {
        var route = new CompiledRoute { Name = "r", Index = 0, Models = [], Providers = _providers, Balance = BalanceMode.Fallback };
        var snapshot = new AiProxySnapshot
        {
            Version = 1,
            Options = new AiProxyOptions { Retry = new RetryOptions { MaxAttempts = maxAttempts } },
            Routes = null!,
            Providers = new Dictionary<string, ProviderRuntime>(),
            ProviderSignatures = new Dictionary<string, string>(),
            YarpRoutes = [],
            YarpClusters = [],
            ReverseProxyData = new Dictionary<string, string?>(),
        };
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Features.Set(new AiRequestFeature(snapshot, AiOperation.PassThrough, route) { StartTimestamp = _time.GetTimestamp(), Time = _time });
        var cluster = new ClusterModel(new ClusterConfig { ClusterId = ProviderTestData.ClusterId }, new HttpMessageInvoker(new HttpClientHandler()));
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature { Route = null!, Cluster = cluster });
        return context;
    }

    private static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }

    [Fact]
    public async Task Invoke_NoAiFeature_CallsNextOnce()
    {
        await Middleware(error: null).Invoke(new DefaultHttpContext());

        Assert.Equal(1, _forwards);
    }

    [Fact]
    public async Task Invoke_ForwarderFails_WritesUpstreamErrorAndReturnsTheResilienceContext()
    {
        var context = Routed();

        await Middleware(ForwarderError.Request).Invoke(context);

        Assert.Equal(1, _forwards);
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        Assert.Contains("upstream_error", Body(context));
        Assert.Null(context.Features.Get<ResilienceContext>());
        Assert.Equal("p0", context.Features.Get<AiRequestFeature>()!.Provider!.Name);
    }

    [Fact]
    public async Task Invoke_EveryBreakerOpen_Writes503WithoutForwarding()
    {
        _providers[0].Breaker.Failure();
        _providers[0].Breaker.Failure();
        var context = Routed();

        await Middleware(error: null).Invoke(context);

        Assert.Equal(0, _forwards);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Contains("upstream_unavailable", Body(context));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Invoke_ForwardThrows_TheSameExceptionReachesTheCallerWithoutARetry(int maxAttempts)
    {
        var context = Routed(maxAttempts);
        var middleware = Middleware(_ =>
        {
            _forwards++;
            throw new InvalidOperationException("forward failed");
        });

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.Invoke(context));

        Assert.Equal("forward failed", thrown.Message);
        Assert.Equal(1, _forwards);
        Assert.Null(context.Features.Get<ResilienceContext>());
    }

    [Fact]
    public async Task Invoke_ClientLeftDuringTheAttempt_ReturnsWithoutAnAnswer()
    {
        var context = Routed(maxAttempts: 3);
        using var aborted = new CancellationTokenSource();
        context.RequestAborted = aborted.Token;
        var middleware = Middleware(_ =>
        {
            _forwards++;
            aborted.Cancel();
            throw new OperationCanceledException(aborted.Token);
        });

        await middleware.Invoke(context);

        Assert.Equal(1, _forwards);
        Assert.Equal(0, context.Response.Body.Length);
        Assert.Null(context.Features.Get<ResilienceContext>());
    }
}

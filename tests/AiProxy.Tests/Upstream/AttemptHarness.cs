using System.Diagnostics.Metrics;
using System.Net;
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
using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Tests.Upstream;

/// <summary>
/// Runs the real retry pipeline over <see cref="UpstreamAttemptRunner"/> with YARP's forwarder replaced by a script:
/// each attempt answers with the next status (through the real <see cref="UpstreamOutcomeTransform"/>) or, for
/// <see cref="ConnectError"/>, fails before any answer the way YARP reports it.
/// </summary>
internal sealed class AttemptHarness
{
    public const int ConnectError = -1;

    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
    private readonly Queue<int> _script = new();
    private readonly UpstreamOutcomeTransform _transform;

    // Polly's backoff runs on the real clock (1 ms base delay); the attempts' own timings use the fake one.
    private readonly RetryPolicies _policies = new(TimeProvider.System);

    public AttemptHarness(ProviderRuntime[] providers, int maxAttempts = 4, BalanceMode balance = BalanceMode.Fallback)
    {
        _transform = new UpstreamOutcomeTransform(Time);
        var route = new CompiledRoute { Name = "r", Index = 0, Models = [], Providers = providers, Balance = balance };
        var snapshot = new AiProxySnapshot
        {
            Version = 1,
            Options = new AiProxyOptions { Retry = new RetryOptions { MaxAttempts = maxAttempts, BaseDelay = "1ms" } },
            Routes = null!,
            Providers = new Dictionary<string, ProviderRuntime>(),
            ProviderSignatures = new Dictionary<string, string>(),
            YarpRoutes = [],
            YarpClusters = [],
            ReverseProxyData = new Dictionary<string, string?>(),
        };
        Feature = new AiRequestFeature(snapshot, AiOperation.PassThrough, route) { StartTimestamp = Time.GetTimestamp() };
        Context.Features.Set(Feature);
        var cluster = new ClusterModel(new ClusterConfig { ClusterId = ProviderTestData.ClusterId }, new HttpMessageInvoker(new HttpClientHandler()));
        Context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature { Route = null!, Cluster = cluster });
        Runner = new UpstreamAttemptRunner(new UpstreamCluster(new NoClusters()), new AttemptTelemetry(new ProxyMetrics(Meters), NullLogger<AttemptTelemetry>.Instance), Time, _policies);
    }

    public FakeTimeProvider Time { get; } = new();

    public DefaultHttpContext Context { get; } = new();

    public AiRequestFeature Feature { get; }

    public UpstreamAttemptRunner Runner { get; }

    /// <summary>Gets the provider of every attempt, in order.</summary>
    public List<string> Attempts { get; } = [];

    /// <summary>Gets the upstream status each attempt's transform saw and whether it suppressed the body.</summary>
    public List<UpstreamAnswer> Answers { get; } = [];

    private readonly Dictionary<int, string> _bodies = [];

    public AttemptHarness Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }
        return this;
    }

    /// <summary>Gives every answer with <paramref name="status"/> this JSON body (as the upstream's error body).</summary>
    public AttemptHarness WithBody(int status, string body)
    {
        _bodies[status] = body;
        return this;
    }

    /// <summary>Gets the body each attempt's answer carried after the transform (what YARP would copy to the client).</summary>
    public List<string> Bodies { get; } = [];

    /// <summary>Runs the retry pipeline the way the middleware does and returns the final outcome.</summary>
    public async Task<(AttemptOutcome Outcome, ResilienceContext Attempt)> RunAsync()
    {
        var attempt = ResilienceContextPool.Shared.Get(Context.RequestAborted);
        Context.Features.Set(attempt);
        var outcome = await _policies.For(Feature.Snapshot).Pipeline.ExecuteOutcomeAsync(
            static (attempt, self) => self.Runner.RunAsync(attempt, self.Context, self.Feature, self.ForwardAsync), attempt, this);
        outcome.ThrowIfException();
        return (outcome.Result, attempt);
    }

    private async Task ForwardAsync(HttpContext context)
    {
        Attempts.Add(Feature.Provider!.Name);
        var status = _script.Dequeue();
        if (status == ConnectError)
        {
            context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(ForwarderError.Request));
            return;
        }
        var transform = new ResponseTransformContext
        {
            HttpContext = context,
            ProxyResponse = new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = _bodies.TryGetValue(status, out var body) ? new StringContent(body, System.Text.Encoding.UTF8, "application/json") : new ByteArrayContent([]),
            },
            HeadersCopied = false,
        };
        await _transform.ApplyAsync(transform);
        Bodies.Add(await transform.ProxyResponse.Content.ReadAsStringAsync());
        var attempt = context.Features.Get<ResilienceContext>()!;
        Answers.Add(attempt.Properties.TryGetValue(UpstreamResilienceKeys.Attempt, out var state) ? state.Answer : default);
        context.Response.StatusCode = status;
    }
}

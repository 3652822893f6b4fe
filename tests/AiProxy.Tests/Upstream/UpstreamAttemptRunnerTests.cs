using AiProxy.Routing;
using AiProxy.Tests.Routing;
using AiProxy.Transforms.Keys;
using AiProxy.Upstream;
using Microsoft.AspNetCore.Http.Features;
using Polly;

namespace AiProxy.Tests.Upstream;

public sealed class UpstreamAttemptRunnerTests
{
    private readonly FakeTimeProvider _time = new();

    private ProviderRuntime[] Providers(int count) => ProviderTestData.Providers(count, _time);

    [Fact]
    public async Task Run_FirstAttemptSucceeds_OneAttemptAndNothingRemembered()
    {
        var harness = new AttemptHarness(Providers(2)).Answer(200);

        var (outcome, attempt) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(["p0"], harness.Attempts);
        Assert.False(attempt.Properties.TryGetValue(UpstreamResilienceKeys.FailedProviders, out _));
        Assert.Equal(new UpstreamAnswer(200, false), harness.Answers[0]);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    [InlineData(AttemptHarness.ConnectError)]
    public async Task Run_ProviderFailsBeforeTheFirstByte_SwitchesToTheNextProvider(int failure)
    {
        var harness = new AttemptHarness(Providers(2)).Answer(failure, 200);

        var (outcome, attempt) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(["p0", "p1"], harness.Attempts);
        Assert.True(attempt.Properties.GetValue(UpstreamResilienceKeys.FailedProviders, null!).Contains(0));
        Assert.Equal(200, harness.Feature.UpstreamStatus);
    }

    [Fact]
    public async Task Run_EveryProviderFailed_BacksOffToTheFirstAgain()
    {
        var harness = new AttemptHarness(Providers(2)).Answer(503, 503, 200);

        await harness.RunAsync();

        Assert.Equal(["p0", "p1", "p0"], harness.Attempts);
    }

    [Fact]
    public async Task Run_429WithAnotherKey_RetriesTheSameProviderWithoutMarkingItFailed()
    {
        var provider = ProviderTestData.Provider("solo", _time, 1, "sk-one", "sk-two");
        var harness = new AttemptHarness([provider]).Answer(429, 200);

        var (outcome, attempt) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(["solo", "solo"], harness.Attempts);
        Assert.Equal(new UpstreamAnswer(429, true, KeyErrorKind.Throttled), harness.Answers[0]);
        Assert.False(attempt.Properties.TryGetValue(UpstreamResilienceKeys.FailedProviders, out _));
    }

    [Fact]
    public async Task Run_429WithNowhereElseToGo_PassesTheUpstreamAnswerOn()
    {
        var provider = ProviderTestData.Provider("solo", _time, 1, "sk-one");
        var harness = new AttemptHarness([provider]).Answer(429);

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(new UpstreamAnswer(429, false, KeyErrorKind.Throttled), harness.Answers[0]);
    }

    [Fact]
    public async Task Run_403AboutTheModel_IsPassedOnWholeAndTheKeyStays()
    {
        const string Body = """{"error":{"message":"Project proj_1 does not have access to model o3","type":"invalid_request_error","code":"model_not_found"}}""";
        var provider = ProviderTestData.Provider("solo", _time, 1, "sk-one", "sk-two");
        var harness = new AttemptHarness([provider]).Answer(403).WithBody(403, Body);

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(new UpstreamAnswer(403, false, KeyErrorKind.Forbidden), harness.Answers[0]);
        Assert.Equal(Body, harness.Bodies[0]);
        Assert.DoesNotContain(provider.Keys!.GetKeyStatuses(), s => s.State != KeyState.Available);
    }

    [Fact]
    public async Task Run_403NamingTheKey_DisablesItAndRetriesOnAnotherKey()
    {
        const string Body = """{"error":{"message":"Your API key has been deactivated.","type":"invalid_request_error","code":null}}""";
        var provider = ProviderTestData.Provider("solo", _time, 1, "sk-one", "sk-two");
        var harness = new AttemptHarness([provider]).Answer(403, 200).WithBody(403, Body);

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(new UpstreamAnswer(403, true, KeyErrorKind.KeyRejected), harness.Answers[0]);
        Assert.Single(provider.Keys!.GetKeyStatuses(), s => s.State == KeyState.Disabled);
    }

    [Fact]
    public async Task Run_InsufficientQuota_RetriesOnAnotherKeyAndCoolsTheFirstDownForTheQuotaCooldown()
    {
        const string Body = """{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}""";
        var provider = ProviderTestData.Provider("solo", _time, 1, "sk-one", "sk-two");
        var harness = new AttemptHarness([provider]).Answer(429, 200).WithBody(429, Body);

        await harness.RunAsync();
        _time.Advance(TimeSpan.FromMinutes(59));

        Assert.Equal(new UpstreamAnswer(429, true, KeyErrorKind.QuotaExhausted), harness.Answers[0]);
        Assert.Single(provider.Keys!.GetKeyStatuses(), s => s.State == KeyState.Cooldown);
    }

    [Fact]
    public async Task Run_EveryKeyCoolingDown_EndsWithoutCandidateAndTheSoonestRecovery()
    {
        var provider = ProviderTestData.Provider("solo", _time, 1, "sk-one", "sk-two");
        var harness = new AttemptHarness([provider]).Answer(429, 429);

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.NoCandidate, outcome);
        Assert.Equal(2, harness.Attempts.Count);
        Assert.NotNull(harness.Feature.SoonestKeyRecovery);
    }

    [Fact]
    public async Task Run_AttemptBudgetSpent_TheLastAnswerIsPassedOn()
    {
        var harness = new AttemptHarness(Providers(1), maxAttempts: 3).Answer(408, 408, 408); // 408 is retryable but leaves the breaker closed

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(3, harness.Attempts.Count);
        Assert.Equal([true, true, false], harness.Answers.ConvertAll(a => a.RetryRequested));
    }

    [Fact]
    public async Task Run_ConnectErrorAfterTheFirstByte_IsNeverRetried()
    {
        var harness = new AttemptHarness(Providers(2)).Answer(AttemptHarness.ConnectError);
        harness.Context.Features.Set<IHttpResponseFeature>(new StartedResponse());

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(["p0"], harness.Attempts);
    }

    [Fact]
    public async Task Run_ClientAborted_IsNotAProviderFailure()
    {
        var providers = Providers(2);
        var harness = new AttemptHarness(providers).Answer(AttemptHarness.ConnectError, AttemptHarness.ConnectError, AttemptHarness.ConnectError);
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        harness.Context.RequestAborted = aborted.Token;
        var attempt = ResilienceContextPool.Shared.Get();
        harness.Context.Features.Set(attempt);

        for (var i = 0; i < 3; i++)
        {
            var outcome = await harness.Runner.RunAsync(attempt, harness.Context, harness.Feature, ForwardOnce(harness));
            Assert.Null(outcome.Exception);
            Assert.Equal(AttemptOutcome.Done, outcome.Result);
        }

        // Breaker threshold is 2: three real failures would have opened it.
        Assert.True(providers[0].Breaker.TryEnter());
        Assert.False(attempt.Properties.TryGetValue(UpstreamResilienceKeys.FailedProviders, out _));
    }

    [Fact]
    public async Task Run_OpenBreaker_IsSkippedWithoutAnAttempt()
    {
        var providers = Providers(2);
        providers[0].Breaker.Failure();
        providers[0].Breaker.Failure();
        var harness = new AttemptHarness(providers).Answer(200);

        await harness.RunAsync();

        Assert.Equal(["p1"], harness.Attempts);
    }

    [Fact]
    public async Task Run_FailuresOpenEveryBreaker_EndsWithoutCandidateAndTheProbeTime()
    {
        var harness = new AttemptHarness(Providers(2), maxAttempts: 6).Answer(503, 503, 503, 503);

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.NoCandidate, outcome);
        Assert.Equal(["p0", "p1", "p0", "p1"], harness.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(30), harness.Feature.SoonestAvailable);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(harness.Feature.Route.Providers[0].Breaker.TryEnter()); // the probe after the break
    }

    [Fact]
    public async Task Run_RouteWithMoreThanSixtyFourProviders_ReachesEveryOne()
    {
        var statuses = new int[100];
        Array.Fill(statuses, 503);
        statuses[^1] = 200;
        var harness = new AttemptHarness(Providers(100), maxAttempts: 100).Answer(statuses);

        var (outcome, _) = await harness.RunAsync();

        Assert.Equal(AttemptOutcome.Done, outcome);
        Assert.Equal(100, harness.Attempts.Count);
        Assert.Equal("p99", harness.Attempts[^1]);
    }

    [Fact]
    public async Task Run_ProviderClusterMissing_SwitchesAtOnceWithoutForwarding()
    {
        // The request was routed to another cluster and the provider's own is not loaded (yet): the attempt marks the
        // provider failed and asks for an immediate switch, even when no untried provider is left.
        var harness = new AttemptHarness(Providers(1));
        var elsewhere = new Yarp.ReverseProxy.Model.ClusterModel(new Yarp.ReverseProxy.Configuration.ClusterConfig { ClusterId = "elsewhere" },
            new HttpMessageInvoker(new HttpClientHandler()));
        harness.Context.Features.Set<Yarp.ReverseProxy.Model.IReverseProxyFeature>(
            new Yarp.ReverseProxy.Model.ReverseProxyFeature { Route = null!, Cluster = elsewhere });
        var attempt = ResilienceContextPool.Shared.Get();
        harness.Context.Features.Set(attempt);
        var forwards = 0;

        var outcome = await harness.Runner.RunAsync(attempt, harness.Context, harness.Feature, _ =>
        {
            forwards++;
            return Task.CompletedTask;
        });

        Assert.Null(outcome.Exception);
        Assert.Equal(AttemptOutcome.RetrySwitch, outcome.Result);
        Assert.Equal(0, forwards);
        Assert.True(attempt.Properties.TryGetValue(UpstreamResilienceKeys.FailedProviders, out var failed));
        Assert.False(failed.HasUntried);
    }

    private static Microsoft.AspNetCore.Http.RequestDelegate ForwardOnce(AttemptHarness harness) => context =>
    {
        context.Features.Set<Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature>(new Aborted());
        return Task.CompletedTask;
    };

    private sealed class Aborted : Yarp.ReverseProxy.Forwarder.IForwarderErrorFeature
    {
        public Yarp.ReverseProxy.Forwarder.ForwarderError Error => Yarp.ReverseProxy.Forwarder.ForwarderError.RequestCanceled;

        public Exception? Exception => null;
    }

    private sealed class StartedResponse : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}

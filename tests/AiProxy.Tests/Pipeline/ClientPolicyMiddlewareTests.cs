using AiProxy.Clients;
using AiProxy.Pipeline;
using System.Diagnostics.Metrics;
using AiProxy.RateLimiting;
using AiProxy.RateLimiting.Budgets;
using AiProxy.Routing;
using AiProxy.Streaming;
using AiProxy.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProxy.Tests.Pipeline;

public sealed class ClientPolicyMiddlewareTests
{
    private readonly FakeLimiter _limiter = new();
    private int _calls;

    private ClientPolicyMiddleware Middleware(TokenUsage? usage = null) => new(
        context =>
        {
            _calls++;
            if (context.Features.Get<AiRequestFeature>() is { } feature)
            {
                feature.Usage = usage;
            }
            return Task.CompletedTask;
        },
        _limiter,
        new BudgetLedger(Options.Create(new RateLimitingOptions()), BudgetMetricsInstance, NullLogger<BudgetLedger>.Instance),
        BudgetMetricsInstance,
        TimeProvider.System);

    private static readonly BudgetMetrics BudgetMetricsInstance =
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), TimeProvider.System);

    private static DefaultHttpContext Routed(string model, ClientIdentity? client)
    {
        var store = PipelineTestConfig.Store();
        var snapshot = store.Current;
        var parsed = new ParsedRequest { Body = default, Operation = AiOperation.ChatCompletions, Model = model };
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Features.Set(new AiRequestFeature(snapshot, parsed, snapshot.Routes.Default, estimatedTokens: 50));
        if (client is not null)
        {
            context.Features.Set(client);
        }
        return context;
    }

    [Fact]
    public async Task Invoke_NoAiFeature_CallsNext()
    {
        await Middleware().Invoke(new DefaultHttpContext());

        Assert.Equal(1, _calls);
        Assert.Equal(0, _limiter.Calls);
    }

    [Fact]
    public async Task Invoke_AnonymousWithoutLimits_CallsNextWithoutTheLimiter()
    {
        var context = Routed("gpt-4o", client: null);

        await Middleware().Invoke(context);

        Assert.Equal(1, _calls);
        Assert.Equal(0, _limiter.Calls);
        Assert.Equal(ClientIdentity.AnonymousId, context.Features.Get<AiRequestFeature>()!.ClientId);
    }

    [Fact]
    public async Task Invoke_ModelNotAllowed_Writes403()
    {
        var context = Routed("gpt-4o", new ClientIdentity("team-a", new ClientRateLimit(), [new ModelGlob("mini-*")]));

        await Middleware().Invoke(context);

        Assert.Equal(0, _calls);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Contains("model_not_allowed", PipelineTestConfig.ResponseText(context));
    }

    [Fact]
    public async Task Invoke_LimitDenies_Writes429WithRetryAfter()
    {
        _limiter.Next = new RateLimitDecision { DeniedBy = RateLimitKind.Requests, RetryAfter = TimeSpan.FromSeconds(1.5), Requests = new RateLimitCounter(10, 0, TimeSpan.FromSeconds(2)) };
        var context = Routed("gpt-4o", new ClientIdentity("team-a", new ClientRateLimit { RequestsPerMinute = 10 }, null));

        await Middleware().Invoke(context);

        Assert.Equal(0, _calls);
        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
        Assert.Contains("rate_limit_exceeded", PipelineTestConfig.ResponseText(context));
    }

    [Fact]
    public async Task Invoke_LimitAllows_SettlesTheReservationToTheUsageAndReleases()
    {
        var lease = new FakeLease();
        _limiter.Next = new RateLimitDecision { Lease = lease };
        var context = Routed("gpt-4o", new ClientIdentity("team-a", new ClientRateLimit { TokensPerMinute = 1000 }, null));

        await Middleware(new TokenUsage(Prompt: 7, Completion: 5, Cached: 0, Total: 12)).Invoke(context);

        Assert.Equal(1, _calls);
        Assert.Equal(50, _limiter.LastTokens);
        Assert.Equal(12, lease.Settled);
        Assert.True(lease.Disposed);
    }

    private ClientPolicyMiddleware Middleware(TimeProvider time, TokenUsage? usage = null) => new(
        context =>
        {
            _calls++;
            context.Features.Get<AiRequestFeature>()!.Usage = usage;
            return Task.CompletedTask;
        },
        _limiter,
        new BudgetLedger(Options.Create(new RateLimitingOptions()), BudgetMetricsInstance, NullLogger<BudgetLedger>.Instance, time),
        BudgetMetricsInstance,
        time);

    private static ClientBudget Budget(string zone = "UTC", long? requestsPerDay = null)
    {
        Assert.True(AiProxy.Configuration.ResetTimeZones.TryFind(zone, out var tz));
        return new ClientBudget { TokensPerDay = 1000, NanoUsdPerDay = ClientBudget.NanoPerUsd, RequestsPerDay = requestsPerDay, Zone = tz };
    }

    private static void AssertBudgetHeaders(HttpContext context)
    {
        var headers = context.Response.Headers;
        Assert.Equal("1000", headers[ClientBudgetStep.RemainingTokensHeader].ToString());
        Assert.Equal("1.000000", headers[ClientBudgetStep.RemainingUsdHeader].ToString());
        Assert.Equal("2026-12-01T00:00:00Z", headers[ClientBudgetStep.ResetHeader].ToString());
    }

    [Fact]
    public async Task Invoke_BudgetedClientOverItsPerMinuteLimit_The429CarriesTheBudgetHeaders()
    {
        _limiter.Next = new RateLimitDecision { DeniedBy = RateLimitKind.Requests, RetryAfter = TimeSpan.FromSeconds(1), Requests = new RateLimitCounter(10, 0, TimeSpan.FromSeconds(1)) };
        var context = Routed("gpt-4o", new ClientIdentity("team-rpm", new ClientRateLimit { RequestsPerMinute = 10 }, null, Budget()));

        await Middleware(new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))).Invoke(context);

        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Contains("rate_limit_exceeded", PipelineTestConfig.ResponseText(context));
        AssertBudgetHeaders(context);
    }

    [Fact]
    public async Task Invoke_BudgetedClientAndModelNotAllowed_The403CarriesTheBudgetHeaders()
    {
        var context = Routed("gpt-4o", new ClientIdentity("team-403", new ClientRateLimit(), [new ModelGlob("mini-*")], Budget()));

        await Middleware(new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))).Invoke(context);

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        AssertBudgetHeaders(context);
    }

    [Fact]
    public async Task Invoke_DailyBudgetSpentOnA25HourDay_TheRefusalStillHasRetryAfterUntilLocalMidnight()
    {
        // 00:10 on 2026-10-25 in Paris (CEST), the day the clocks go back: the next local midnight is 24 h 50 min away.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 10, 24, 22, 10, 0, TimeSpan.Zero));
        var middleware = Middleware(clock);
        var client = new ClientIdentity("team-dst", new ClientRateLimit(), null, Budget("Europe/Paris", requestsPerDay: 1));
        await middleware.Invoke(Routed("gpt-4o", client));

        var refused = Routed("gpt-4o", client);
        await middleware.Invoke(refused);

        Assert.Equal(1, _calls);
        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.Response.StatusCode);
        Assert.Equal(((24 * 3600) + (50 * 60)).ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Response.Headers.RetryAfter.ToString());
        Assert.NotEqual("false", refused.Response.Headers["x-should-retry"].ToString());
        Assert.Equal("2026-10-25T23:00:00Z", refused.Response.Headers[ClientBudgetStep.ResetHeader].ToString());
        Assert.Contains("2026-10-26T00:00:00+01:00 (Europe/Paris)", PipelineTestConfig.ResponseText(refused));
    }

    [Fact]
    public async Task Invoke_MonthlyBudgetSpentDaysBeforeTheMonthEnds_NoRetryAfter()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        var middleware = Middleware(clock, new TokenUsage(Prompt: 7, Completion: 5, Cached: 0, Total: 12));
        var client = new ClientIdentity("team-month", new ClientRateLimit(), null, new ClientBudget { TokensPerMonth = 10 });
        await middleware.Invoke(Routed("gpt-4o", client));

        var refused = Routed("gpt-4o", client);
        await middleware.Invoke(refused);

        Assert.Equal(StatusCodes.Status429TooManyRequests, refused.Response.StatusCode);
        Assert.False(refused.Response.Headers.ContainsKey("retry-after"));
        Assert.Equal("false", refused.Response.Headers["x-should-retry"].ToString());
        Assert.Equal("0", refused.Response.Headers[ClientBudgetStep.RemainingTokensHeader].ToString());
    }

    private sealed class FakeLimiter : IClientRateLimiter
    {
        public RateLimitDecision Next { get; set; }

        public int Calls { get; private set; }

        public long LastTokens { get; private set; }

        public ValueTask<RateLimitDecision> AcquireAsync(string clientId, ClientRateLimit limits, long estimatedTokens, CancellationToken cancellationToken = default)
        {
            Calls++;
            LastTokens = estimatedTokens;
            return new ValueTask<RateLimitDecision>(Next);
        }
    }

    private sealed class FakeLease : IRateLimitLease
    {
        public long? Settled { get; private set; }

        public bool Disposed { get; private set; }

        public ValueTask SettleAsync(long actualTokens, CancellationToken cancellationToken = default)
        {
            Settled ??= actualTokens;
            return default;
        }

        public void Dispose() => Disposed = true;
    }
}

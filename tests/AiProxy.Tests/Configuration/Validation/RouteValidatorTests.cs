using AiProxy.Configuration.Validation;
using static AiProxy.Tests.Configuration.Validation.SectionValidatorHarness;

namespace AiProxy.Tests.Configuration.Validation;

public sealed class RouteValidatorTests
{
    private const string Providers = """ "Providers":{"a":{"Type":"ollama","BaseUrl":"http://a/v1"}} """;

    [Theory]
    [InlineData("""[]""", "$.AiProxy.Routes: at least one route is required (e.g. { \"Models\": [\"*\"], \"Providers\": [\"openai\"] })")]
    [InlineData("""[{"Models":["*"],"Providers":["b"]}]""", "$.AiProxy.Routes[0].Providers[0]: unknown provider: not a name under AiProxy:Providers; known providers: a")]
    [InlineData("""[{"Models":["*"],"Providers":["a","A"]}]""", "$.AiProxy.Routes[0].Providers[1]: the provider is listed twice: the same as Providers[0]")]
    [InlineData("""[{"Models":["*"],"Providers":[]}]""", "$.AiProxy.Routes[0].Providers: Providers needs at least one provider name")]
    [InlineData("""[{"Models":["*"," "],"Providers":["a"]}]""", "$.AiProxy.Routes[0].Models[1]: model pattern is empty")]
    [InlineData("""[{"Models":["*"],"Providers":["a"],"Balance":"random"}]""", "$.AiProxy.Routes[0].Balance: unknown balance; one of: fallback, weighted, least-latency")]
    [InlineData("""[{"Models":["*"],"Providers":["a"],"Cache":{"Mode":"sometimes"}}]""", "$.AiProxy.Routes[0].Cache.Mode: unknown cache mode; one of: deterministic, always, off")]
    [InlineData("""[{"Models":["*"],"Providers":["a"],"Cache":{"Ttl":"0s"}}]""", "$.AiProxy.Routes[0].Cache.Ttl: must be a positive duration such as 01:00:00, 30m or 3600s")]
    [InlineData("""[{"Name":"x","Models":["*"],"Providers":["a"]},{"Name":"X","Models":["y"],"Providers":["a"]}]""", "$.AiProxy.Routes[1].Name: duplicate route name: Routes[0] has the same Name (names are case-insensitive)")]
    [InlineData("""[{"Models":["*"],"Providers":["a"],"Default":true},{"Models":["y"],"Providers":["a"],"Default":true}]""", "$.AiProxy.Routes[1].Default: only one route can be the default")]
    public void Validate_InvalidRoute_ReportsPathAndMessage(string routes, string expected)
    {
        var errors = Run(new RouteValidator(), "{" + Providers + """, "Routes":""" + routes + "}");

        Assert.Contains(expected, errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_ValidRoutes_NoErrors()
    {
        var errors = Run(new RouteValidator(), "{" + Providers + """, "Routes":[{"Models":["gpt-*"],"Providers":["a"],"Balance":"Least-Latency","Cache":{"Mode":"off","Ttl":"5m"}}]}""");

        Assert.True(errors.Count == 0, Describe(errors));
    }
}

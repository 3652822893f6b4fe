using AiProxy.Configuration.Validation;
using static AiProxy.Tests.Configuration.Validation.SectionValidatorHarness;

namespace AiProxy.Tests.Configuration.Validation;

public sealed class ProviderValidatorTests
{
    [Theory]
    [InlineData("""{"Type":"gpt","BaseUrl":"https://x/v1","Keys":["k"]}""", "$.AiProxy.Providers.p.Type: unknown provider type; one of: openai, azure-openai, openrouter, ollama, openai-compatible")]
    [InlineData("""{"BaseUrl":"https://x/v1","Keys":["k"]}""", "$.AiProxy.Providers.p.Type: Type is required; one of: openai, azure-openai, openrouter, ollama, openai-compatible")]
    [InlineData("""{"Type":"openai","BaseUrl":"ftp://x","Keys":["k"]}""", "$.AiProxy.Providers.p.BaseUrl: BaseUrl must be an absolute http(s) URL (e.g. https://api.openai.com/v1)")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1?key=1","Keys":["k"]}""", "$.AiProxy.Providers.p.BaseUrl: BaseUrl must not have credentials, a query or a fragment (keys go in Keys)")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1"}""", "$.AiProxy.Providers.p.Keys: Keys is required for type 'openai' (e.g. [\"env:OPENAI_API_KEY\"])")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1","Keys":[]}""", "$.AiProxy.Providers.p.Keys: the key list is empty; list at least one key (a literal, env:NAME or file:PATH)")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1","Keys":["env:"]}""", "$.AiProxy.Providers.p.Keys[0]: env: needs a variable name (env:NAME)")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"KeyStrategy":"roundrobin"}""", "$.AiProxy.Providers.p.KeyStrategy: unknown key strategy; one of: round-robin, least-loaded, quota-aware")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"Limits":{"RequestsPerMinute":0}}""", "$.AiProxy.Providers.p.Limits.RequestsPerMinute: must be a positive number, found 0")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"Timeout":"0s"}""", "$.AiProxy.Providers.p.Timeout: must be a positive duration such as 00:05:00, 300s or 5m")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"ApiVersion":"v1"}""", "$.AiProxy.Providers.p.ApiVersion: ApiVersion applies only to type 'azure-openai'")]
    [InlineData("""{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"Headers":{"Host":"h"}}""", "$.AiProxy.Providers.p.Headers.Host: this header is managed by the proxy and cannot be set here")]
    public void Validate_InvalidProvider_ReportsPathAndMessage(string provider, string expected)
    {
        var errors = Run(new ProviderValidator(), """{"Providers":{"p":""" + provider + "}}");

        Assert.Contains(expected, errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEach()
    {
        var errors = Run(new ProviderValidator(), """{"Providers":{"p":{"Type":"x","BaseUrl":"y","KeyStrategy":"z","Weight":0}}}""");

        Assert.Equal(["$.AiProxy.Providers.p.Type", "$.AiProxy.Providers.p.BaseUrl", "$.AiProxy.Providers.p.KeyStrategy", "$.AiProxy.Providers.p.Weight"],
            errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("""{"Type":"ollama","BaseUrl":"http://127.0.0.1:11434/v1"}""")]
    [InlineData("""{"Type":"Azure-OpenAI","BaseUrl":"https://r.openai.azure.com","Keys":["env:K"],"KeyStrategy":"least-loaded","ApiVersion":"v1"}""")]
    public void Validate_ValidProvider_NoErrors(string provider)
    {
        var errors = Run(new ProviderValidator(), """{"Providers":{"p":""" + provider + "}}");

        Assert.True(errors.Count == 0, Describe(errors));
    }
}

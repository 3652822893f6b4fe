using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Runtime;

namespace AiProxy.Tests.Configuration;

public sealed class ConfigValidatorTests
{
    private static List<AiProxy.Configuration.Validation.ConfigError> Load(string json, out AiProxySnapshot? snapshot)
        => SnapshotCompiler.TryLoad(new ConfigLoader(ConfigTestFiles.Write(json), []), ProviderRuntimeFactory.Offline, 1, null, out snapshot);

    [Fact]
    public void TryLoad_MinimalConfig_Compiles()
    {
        var errors = Load(ConfigTestFiles.Minimal, out var snapshot);

        Assert.Empty(errors);
        Assert.NotNull(snapshot);
        Assert.Equal("openai", snapshot!.Routes.Default.Providers[0].Name);
        Assert.Equal(AiProxySnapshot.DefaultMaxRequestBodyBytes, snapshot.MaxRequestBodyBytes);
    }

    [Theory]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"Bogus":1}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.Bogus", "unknown key; expected one of")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["q"]}]}}""", "$.AiProxy.Routes[0].Providers[0]", "unknown provider")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":[]}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.Keys", "empty")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1"}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.Keys", "Keys is required")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"gpt","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.Type", "unknown provider type; one of")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"ftp://x","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.BaseUrl", "absolute http(s) URL")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"Cache":{"Ttl":"forever"}}}""", "$.AiProxy.Cache.Ttl", "must be a positive duration")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"Timeout":"-5s"}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.Timeout", "must be a positive duration")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":[],"Providers":["p"]}]}}""", "$.AiProxy.Routes[0].Models", "at least one")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"],"Balance":"random"}]}}""", "$.AiProxy.Routes[0].Balance", "unknown balance")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"],"Default":true},{"Models":["a"],"Providers":["p"],"Default":true}]}}""", "$.AiProxy.Routes[1].Default", "only one route")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"Clients":{"a":{"Keys":[]}}}}""", "$.AiProxy.Clients.a.Keys", "empty")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"Clients":{"a":{"Keys":["k2"],"RateLimit":{"RequestsPerMinute":"lots"}}}}}""", "$.AiProxy.Clients.a.RateLimit.RequestsPerMinute", "expected an integer")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":"k"}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.Keys", "expected an array")]
    [InlineData("""{"AiProxy":{"Providers":{},"Routes":[]}}""", "$.AiProxy.Providers", "at least one provider")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"Cache":{"Semantic":{"Threshold":1.5}}}}""", "$.AiProxy.Cache.Semantic.Threshold", "(0, 1]")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"Headers":{"Authorization":"x"}}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.Headers.Authorization", "managed by the proxy")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"],"QuotaCooldown":"soon"}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "$.AiProxy.Providers.p.QuotaCooldown", "must be a positive duration")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"ManagementUrls":"http://0.0.0.0"}}""", "$.AiProxy.ManagementUrls", "explicit port")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"ManagementUrls":"https://0.0.0.0:9443"}}""", "$.AiProxy.ManagementUrls", "http://")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"ManagementUrls":"not a url"}}""", "$.AiProxy.ManagementUrls", "not a URL")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["p"]}],"Metrics":{"OnManagementPort":true}}}""", "$.AiProxy.Metrics.OnManagementPort", "needs AiProxy:ManagementUrls")]
    public void TryLoad_InvalidConfig_ReportsErrorAtJsonPath(string json, string path, string fragment)
    {
        var errors = Load(json, out var snapshot);

        Assert.Null(snapshot);
        Assert.Contains(errors, e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void TryLoad_SeveralProblems_ReportsAllAtOnce()
    {
        const string json = """
            {"AiProxy":{
              "Providers":{"p":{"Type":"nope","BaseUrl":"not a url","Keys":[]}},
              "Routes":[{"Models":["*"],"Providers":["missing"],"Balance":"x"}],
              "Cache":{"Mode":"sometimes","Ttl":"x"}
            }}
            """;

        var errors = Load(json, out _);

        Assert.True(errors.Count >= 7, string.Join("\n", errors));
    }

    [Fact]
    public void TryLoad_InvalidJson_ReportsParseError()
    {
        var errors = Load("""{"AiProxy": {"Providers": """, out var snapshot);

        Assert.Null(snapshot);
        var error = Assert.Single(errors);
        Assert.Equal("$", error.Path);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_Errors_NeverContainSecretValues()
    {
        const string json = """
            {"AiProxy":{
              "Providers":{"p":{"Type":"openai","BaseUrl":"https://user:sk-in-url-secret@x/v1","Keys":["sk-literal-secret-123"],"Limits":{"RequestsPerMinute":"sk-misplaced-secret"}}},
              "Routes":[{"Models":["*"],"Providers":["p"]}]
            }}
            """;

        var errors = Load(json, out _);

        Assert.NotEmpty(errors);
        var text = string.Join("\n", errors);
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryLoad_MissingEnvKey_IsValidButProviderReportsWhatToSet()
    {
        const string json = """
            {"AiProxy":{
              "Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["env:AIPROXY_TEST_UNSET_KEY_VAR"]}},
              "Routes":[{"Models":["*"],"Providers":["p"]}]
            }}
            """;

        var errors = Load(json, out var snapshot);

        Assert.Empty(errors);
        var provider = snapshot!.Providers["p"];
        Assert.Equal(0, provider.Keys!.Count);
        Assert.Contains("environment variable AIPROXY_TEST_UNSET_KEY_VAR", provider.KeyProblem, StringComparison.Ordinal);
        Assert.Contains("provider 'p'", provider.KeyProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_EnvironmentOverride_Applies()
    {
        Environment.SetEnvironmentVariable("AiProxy__MaxRequestBodyBytes", "1234");
        try
        {
            Load(ConfigTestFiles.Minimal, out var snapshot);
            Assert.Equal(1234, snapshot!.MaxRequestBodyBytes);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AiProxy__MaxRequestBodyBytes", null);
        }
    }

    [Fact]
    public void Compile_UnchangedProvider_KeepsRuntimeAcrossReload()
    {
        var loader = new ConfigLoader(ConfigTestFiles.Write(ConfigTestFiles.Minimal), []);
        SnapshotCompiler.TryLoad(loader, ProviderRuntimeFactory.Offline, 1, null, out var first);
        SnapshotCompiler.TryLoad(loader, ProviderRuntimeFactory.Offline, 2, first, out var second);

        Assert.Same(first!.Providers["openai"], second!.Providers["openai"]);
    }

    [Fact]
    public void Compile_DefaultRoute_IsExplicitThenStarThenFirst()
    {
        const string json = """
            {"AiProxy":{
              "Providers":{"a":{"Type":"ollama","BaseUrl":"http://a/v1"},"b":{"Type":"ollama","BaseUrl":"http://b/v1"}},
              "Routes":[{"Models":["x"],"Providers":["a"]},{"Models":["*"],"Providers":["b"]}]
            }}
            """;

        Load(json, out var snapshot);

        Assert.Equal("b", snapshot!.Routes.Default.Providers[0].Name);
    }

    [Theory]
    [InlineData("config/aiproxy.json")]
    [InlineData("config/examples/multi-provider.json")]
    [InlineData("config/examples/azure.json")]
    [InlineData("loadtests/bench/aiproxy.bench.json")]
    public void ShippedConfigs_AreValid(string relative)
    {
        var path = Path.Combine(ConfigTestFiles.RepoRoot(), relative);

        var errors = SnapshotCompiler.TryLoad(new ConfigLoader(path, []), ProviderRuntimeFactory.Offline, 1, null, out _);

        Assert.Empty(errors);
    }
}

using System.Text.Json;
using AiProxy.Cli;

namespace AiProxy.DeploymentTests.Configuration;

public sealed class ShippedConfigTests
{
    public static TheoryData<string> Configs()
    {
        var data = new TheoryData<string>();
        foreach (var path in ConfigSchema.ShippedConfigs())
        {
            data.Add(path);
        }
        return data;
    }

    [Fact]
    public void ShippedConfigs_Examples_CoverEveryDocumentedUseCase()
    {
        var examples = Directory.EnumerateFiles(RepoPaths.File("config/examples"), "*.json").Select(Path.GetFileName).ToHashSet();

        Assert.Superset(
            new HashSet<string?> { "openai.json", "azure.json", "openrouter.json", "local.json", "multi-provider.json", "caching-redis-semantic.json", "team-limits.json", "budgets-priorities.json" },
            examples);
        Assert.Contains("k8s/base/aiproxy.json", ConfigSchema.ShippedConfigs());
        Assert.Contains("k8s/overlays/gateway/aiproxy.json", ConfigSchema.ShippedConfigs());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Schema_ShippedConfig_IsValid(string path)
    {
        var errors = ConfigSchema.Errors(File.ReadAllText(RepoPaths.File(path)));

        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Validate_ShippedConfig_ExitsZero(string path)
    {
        var output = new StringWriter();

        var code = ValidateCommand.Run(["--config", RepoPaths.File(path)], output);

        Assert.True(code == 0, output.ToString());
        Assert.Contains(": valid (", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void SchemaReference_ShippedConfig_PointsAtTheSchema(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.File(path)));
        var reference = doc.RootElement.GetProperty("$schema").GetString()!;

        if (Uri.TryCreate(reference, UriKind.Absolute, out var absolute))
        {
            // Files that travel without the repository (the Kubernetes ConfigMaps) name the schema by its $id.
            Assert.Equal(ConfigSchema.Document().GetProperty("$id").GetString(), absolute.ToString());
        }
        else
        {
            var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepoPaths.File(path))!, reference));
            Assert.Equal(ConfigSchema.SchemaPath, resolved);
        }
    }

    [Theory]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Extra":1}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "/AiProxy/Providers/p/Extra")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"nope","BaseUrl":"https://x/v1"}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "/AiProxy/Providers/p/Type")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1"}},"Routes":[{"Models":["*"],"Providers":["p"]}],"Cache":{"Ttl":"soon"}}}""", "/AiProxy/Cache/Ttl")]
    [InlineData("""{"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":[]}},"Routes":[{"Models":["*"],"Providers":["p"]}]}}""", "/AiProxy/Providers/p/Keys")]
    public void Schema_InvalidConfig_ReportsTheLocation(string json, string location)
    {
        var errors = ConfigSchema.Errors(json);

        Assert.Contains(errors, e => e.StartsWith(location + " ", StringComparison.Ordinal));
    }
}

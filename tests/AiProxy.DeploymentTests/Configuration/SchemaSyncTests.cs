using System.Text.Json;
using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.DeploymentTests.Configuration;

public sealed class SchemaSyncTests
{
    private static JsonElement AiProxySchema => ConfigSchema.Document().GetProperty("properties").GetProperty(AiProxyOptions.SectionName);

    [Fact]
    public void Differences_AiProxyOptions_SchemaHasEveryOptionAndNoOther()
    {
        var differences = SchemaSync.Differences(typeof(AiProxyOptions), AiProxySchema, "$.AiProxy");

        Assert.Empty(differences);
    }

    [Fact]
    public void Differences_OptionMissingFromSchema_IsReported()
    {
        var schema = JsonDocument.Parse("""
            {"type":"object","additionalProperties":false,"properties":{"Name":{"type":"string"},"Inner":{"type":"object","additionalProperties":false,"properties":{}}}}
            """).RootElement;

        var differences = SchemaSync.Differences(typeof(FakeOptions), schema, "$.Fake");

        Assert.Contains(differences, d => d.StartsWith("$.Fake.Added:", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("$.Fake.Inner.Deep:", StringComparison.Ordinal));
        Assert.DoesNotContain(differences, d => d.StartsWith("$.Fake.Name", StringComparison.Ordinal));
    }

    [Fact]
    public void Differences_SchemaPropertyWithoutOption_IsReported()
    {
        var schema = JsonDocument.Parse("""
            {"type":"object","additionalProperties":false,"properties":{"Name":{},"Added":{},"Inner":{"type":"object","additionalProperties":false,"properties":{"Deep":{"items":{}}}},"Stale":{}}}
            """).RootElement;

        var differences = SchemaSync.Differences(typeof(FakeOptions), schema, "$.Fake");

        Assert.Equal(["$.Fake.Stale: in the schema but not an option of FakeOptions (the validator rejects it)"], differences);
    }

    [Theory]
    [InlineData("$.properties.AiProxy.properties.Providers.additionalProperties.properties.Type", "Types")]
    [InlineData("$.properties.AiProxy.properties.Providers.additionalProperties.properties.KeyStrategy", "KeyStrategies")]
    [InlineData("$.properties.AiProxy.properties.Routes.items.properties.Balance", "BalanceModes")]
    [InlineData("$.properties.AiProxy.properties.Routes.items.properties.Cache.properties.Mode", "CacheModes")]
    [InlineData("$.properties.AiProxy.properties.Cache.properties.Mode", "CacheModes")]
    [InlineData("$.$defs.EmbeddingsName", "Embeddings")]
    [InlineData("$.properties.AiProxy.properties.Cache.properties.Semantic.properties.LocalPrecision", "LocalPrecisions")]
    [InlineData("$.properties.AiProxy.properties.Clients.additionalProperties.properties.Priority", "Priorities")]
    [InlineData("$.properties.AiProxy.properties.Providers.additionalProperties.properties.ReservedKeys.items.properties.ReservedFor", "Priorities")]
    public void SchemaEnum_NameTable_MatchesTheValidator(string schemaPath, string table)
    {
        var node = ConfigSchema.Document();
        foreach (var segment in schemaPath.Split('.').Skip(1))
        {
            node = node.GetProperty(segment);
        }
        // A one-name set is written as "const" in the schema.
        var values = node.TryGetProperty("enum", out var list)
            ? list.EnumerateArray().Select(v => v.GetString()!).ToArray()
            : [node.GetProperty("const").GetString()!];

        // The same tables the validator checks against and the compiler maps from.
        IReadOnlyList<string> expected = table switch
        {
            "Types" => ProviderKindNames.Table.Names,
            "KeyStrategies" => KeyStrategyNames.Table.Names,
            "BalanceModes" => BalanceModeNames.Table.Names,
            "CacheModes" => CacheModeNames.Table.Names,
            "Priorities" => PriorityClassNames.Table.Names,
            "LocalPrecisions" => LocalEmbeddingPrecisionNames.Table.Names,
            _ => EmbeddingsSourceNames.Table.Names,
        };
        Assert.Equal(expected, values);
    }

    private sealed class FakeOptions
    {
        public string? Name { get; set; }

        public int? Added { get; set; }

        public FakeInner? Inner { get; set; }
    }

    private sealed class FakeInner
    {
        public List<string>? Deep { get; set; }
    }
}

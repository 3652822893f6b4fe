using System.Text.Json;
using AiProxy.Caching.Semantic;
using AiProxy.Configuration;
using AiProxy.Configuration.Validation;
using AiProxy.Tests.Configuration;

namespace AiProxy.Tests.Caching.Semantic;

/// <summary><c>Cache.Semantic.LocalPrecision</c> through shape check, binding, validation, settings and the schema.</summary>
public sealed class SemanticLocalPrecisionConfigTests
{
    private static (List<ConfigError> Errors, SemanticCacheSettings? Settings) Load(string semantic)
    {
        var (errors, options) = SemanticConfigFile.Validate(semantic);
        return (errors, options is null || errors.Count > 0 ? null : SemanticCacheSettingsFactory.Create(options.Cache!.Semantic!, null));
    }

    [Theory]
    [InlineData("""{"Enabled":true}""", "int8")]
    [InlineData("""{"Enabled":true,"Embeddings":"local"}""", "int8")]
    [InlineData("""{"Enabled":true,"LocalPrecision":"int8"}""", "int8")]
    [InlineData("""{"Enabled":true,"LocalPrecision":"fp32"}""", "fp32")]
    [InlineData("""{"Enabled":true,"Embeddings":"local","LocalPrecision":"FP32"}""", "fp32")]
    public void LocalPrecision_DefaultsToInt8_Fp32OptsOut(string semantic, string expected)
    {
        var (errors, settings) = Load(semantic);

        Assert.Empty(errors);
        Assert.Equal(("local", expected), (settings!.Embeddings, LocalEmbeddingPrecisionNames.Table.NameOf(settings.LocalPrecision)));
    }

    [Theory]
    [InlineData("""{"LocalPrecision":"fp16"}""", "$.AiProxy.Cache.Semantic.LocalPrecision: unknown local embedding precision; one of: int8, fp32")]
    [InlineData("""{"LocalPrecision":""}""", "$.AiProxy.Cache.Semantic.LocalPrecision: unknown local embedding precision; one of: int8, fp32")]
    [InlineData("""{"Embeddings":{"Provider":"openai","Model":"text-embedding-3-small"},"LocalPrecision":"fp32"}""", "$.AiProxy.Cache.Semantic.LocalPrecision: LocalPrecision applies to \"Embeddings\": \"local\" only")]
    [InlineData("""{"Provider":"openai","Model":"text-embedding-3-small","LocalPrecision":"int8"}""", "$.AiProxy.Cache.Semantic.LocalPrecision: LocalPrecision applies to \"Embeddings\": \"local\" only")]
    public void LocalPrecision_Wrong_IsAClearError(string semantic, string expected)
    {
        var (errors, _) = Load(semantic);

        Assert.Contains(errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_LocalPrecision_ListsTheValidatorsNamesAndDefault()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ConfigTestFiles.RepoRoot(), "config", "aiproxy.schema.json")));
        var property = doc.RootElement.GetProperty("properties").GetProperty("AiProxy").GetProperty("properties").GetProperty("Cache")
            .GetProperty("properties").GetProperty("Semantic").GetProperty("properties").GetProperty("LocalPrecision");

        Assert.Equal(LocalEmbeddingPrecisionNames.Table.Names, property.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!).ToArray());
        Assert.Equal(LocalEmbeddingPrecisionNames.Table.NameOf(new SemanticCacheSettings().LocalPrecision), property.GetProperty("default").GetString());
    }
}

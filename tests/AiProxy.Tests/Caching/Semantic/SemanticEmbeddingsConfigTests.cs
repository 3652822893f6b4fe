using AiProxy.Caching.Semantic;
using AiProxy.Configuration;
using AiProxy.Configuration.Validation;

namespace AiProxy.Tests.Caching.Semantic;

/// <summary><c>Cache.Semantic.Embeddings</c> read from a JSON file in both of its forms, through shape check, binding and validation.</summary>
public sealed class SemanticEmbeddingsConfigTests
{
    private static (List<ConfigError> Errors, SemanticCacheSettings? Settings) Load(string semantic)
    {
        var (errors, options) = SemanticConfigFile.Validate(semantic);
        return (errors, options is null ? null : SemanticCacheSettingsFactory.Create(options.Cache!.Semantic!, null));
    }

    [Fact]
    public void Embeddings_ObjectForm_BindsProviderAndModel()
    {
        var (errors, settings) = Load("""{"Enabled":true,"Embeddings":{"Provider":"openai","Model":"text-embedding-3-small"}}""");

        Assert.Empty(errors);
        Assert.Equal(("openai", "text-embedding-3-small"), (settings!.Embeddings, settings.Model));
    }

    [Theory]
    [InlineData("""{"Enabled":true,"Embeddings":"local"}""")]
    [InlineData("""{"Enabled":true}""")]
    public void Embeddings_StringFormOrAbsent_IsTheLocalModel(string semantic)
    {
        var (errors, settings) = Load(semantic);

        Assert.Empty(errors);
        Assert.Equal(("local", null), (settings!.Embeddings, settings.Model));
    }

    [Fact]
    public void Embeddings_OlderFlattenedForm_StillBinds()
    {
        var (errors, settings) = Load("""{"Enabled":true,"Provider":"openai","Model":"text-embedding-3-large"}""");

        Assert.Empty(errors);
        Assert.Equal(("openai", "text-embedding-3-large"), (settings!.Embeddings, settings.Model));
    }

    [Theory]
    [InlineData("""{"Embeddings":{"Provider":"openai","Model":"m","Dimensions":3}}""", "$.AiProxy.Cache.Semantic.Embeddings.Dimensions: unknown key; expected one of")]
    [InlineData("""{"Embeddings":{"Name":"local"}}""", "$.AiProxy.Cache.Semantic.Embeddings.Name: unknown key; expected one of")]
    [InlineData("""{"Embeddings":{"Provider":"azure","Model":"m"}}""", "$.AiProxy.Cache.Semantic.Embeddings.Provider: unknown provider: not a name under AiProxy:Providers")]
    [InlineData("""{"Embeddings":"openai"}""", "$.AiProxy.Cache.Semantic.Embeddings: Embeddings is 'local' or an object")]
    [InlineData("""{"Embeddings":["local"]}""", "$.AiProxy.Cache.Semantic.Embeddings[0]: unknown key; expected one of")]
    public void Embeddings_Wrong_IsAClearError(string semantic, string expected)
    {
        var (errors, _) = Load(semantic);

        Assert.Contains(errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }
}

using AiProxy.Configuration;
using AiProxy.Configuration.Validation;
using Microsoft.Extensions.Configuration;

namespace AiProxy.Tests.Caching.Semantic;

/// <summary>A config file with one openai provider and a catch-all route around a given <c>Cache.Semantic</c> section, validated.</summary>
internal static class SemanticConfigFile
{
    public static (List<ConfigError> Errors, AiProxyOptions? Options) Validate(string semantic)
    {
        var json = """
            {"AiProxy":{
              "Providers":{"openai":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["k"]}},
              "Routes":[{"Models":["*"],"Providers":["openai"]}],
              "Cache":{"Semantic":
            """ + semantic + "}}}";
        var root = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var errors = ConfigValidator.Validate(root, out var options);
        return (errors, options);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AiProxy.DeploymentTests.Configuration;

/// <summary>config/aiproxy.schema.json, built with JsonSchema.Net.</summary>
internal static class ConfigSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(SchemaPath), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static string SchemaPath => RepoPaths.File("config/aiproxy.schema.json");

    public static JsonElement Document()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        return doc.RootElement.Clone();
    }

    /// <summary>Every error the schema reports for the JSON text, as "instance path: message".</summary>
    public static List<string> Errors(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = true,
        });
        if (result.IsValid)
        {
            return [];
        }
        var errors = new List<string>();
        foreach (var detail in result.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                errors.Add($"{detail.InstanceLocation} ({keyword}): {message}");
            }
        }
        return errors.Count > 0 ? errors : ["invalid (no detail reported)"];
    }

    /// <summary>The config files the repository ships: the default, the examples and the Kubernetes ones.</summary>
    public static IEnumerable<string> ShippedConfigs() =>
        new[] { "config/aiproxy.json" }
            .Concat(Directory.EnumerateFiles(RepoPaths.File("config/examples"), "*.json").Select(Relative))
            .Concat(Directory.EnumerateFiles(RepoPaths.File("k8s"), "aiproxy.json", SearchOption.AllDirectories).Select(Relative))
            .Order(StringComparer.Ordinal);

    private static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path).Replace(Path.DirectorySeparatorChar, '/');

    internal static JsonNode? Node(string json) => JsonNode.Parse(json);
}

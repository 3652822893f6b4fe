using System.Reflection;
using System.Text.Json;
using AiProxy.Configuration;

namespace AiProxy.Tests.Configuration;

/// <summary>Keeps config/aiproxy.schema.json in step with the options types the validator enforces.</summary>
public sealed class SchemaTests
{
    [Fact]
    public void Schema_DescribesExactlyTheOptionProperties()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ConfigTestFiles.RepoRoot(), "config", "aiproxy.schema.json")));
        var aiProxy = doc.RootElement.GetProperty("properties").GetProperty("AiProxy");

        var mismatches = new List<string>();
        Compare(aiProxy, typeof(AiProxyOptions), "AiProxy", mismatches);

        Assert.Empty(mismatches);
    }

    private static void Compare(JsonElement schema, Type type, string path, List<string> mismatches)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string) || t.IsPrimitive)
        {
            return;
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (schema.TryGetProperty("additionalProperties", out var value) && value.ValueKind == JsonValueKind.Object)
            {
                Compare(value, t.GetGenericArguments()[1], path + ".*", mismatches);
            }
            return;
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
        {
            if (schema.TryGetProperty("items", out var items))
            {
                Compare(items, t.GetGenericArguments()[0], path + "[]", mismatches);
            }
            return;
        }

        var props = schema.TryGetProperty("properties", out var p) ? p.EnumerateObject().Select(x => x.Name).ToHashSet() : [];
        var members = t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(x => x.CanWrite).ToList();
        foreach (var member in members)
        {
            if (!props.Contains(member.Name))
            {
                mismatches.Add($"{path}.{member.Name} is missing from the schema");
                continue;
            }
            Compare(p.GetProperty(member.Name), member.PropertyType, path + "." + member.Name, mismatches);
        }
        foreach (var name in props.Where(n => members.All(m => m.Name != n)))
        {
            mismatches.Add($"{path}.{name} is in the schema but not in {t.Name}");
        }
    }
}

using System.Reflection;
using System.Text.Json;

namespace AiProxy.DeploymentTests.Configuration;

/// <summary>
/// Walks an options type and the schema side by side: every public settable property must be a property of the
/// schema object at the same place, every schema property must exist on the options type, and every object must
/// forbid additional properties (the validator rejects unknown keys, so the schema must too).
/// </summary>
internal static class SchemaSync
{
    public static List<string> Differences(Type optionsType, JsonElement schemaNode, string path)
    {
        var differences = new List<string>();
        Walk(optionsType, schemaNode, path, differences);
        return differences;
    }

    private static void Walk(Type type, JsonElement schema, string path, List<string> differences)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            if (!schema.TryGetProperty("additionalProperties", out var values) || values.ValueKind != JsonValueKind.Object)
            {
                differences.Add($"{path}: a map in the options, but the schema has no additionalProperties schema");
                return;
            }
            Walk(valueType, values, path + ".*", differences);
            return;
        }

        if (ListElementType(type) is { } elementType)
        {
            if (!schema.TryGetProperty("items", out var items))
            {
                differences.Add($"{path}: a list in the options, but the schema has no items");
                return;
            }
            Walk(elementType, items, path + "[]", differences);
            return;
        }

        if (!schema.TryGetProperty("properties", out var properties))
        {
            differences.Add($"{path}: an object in the options ({type.Name}), but the schema lists no properties");
            return;
        }
        if (!schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind != JsonValueKind.False)
        {
            differences.Add($"{path}: the schema must set additionalProperties: false (unknown keys are errors)");
        }

        var optionProperties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var property in optionProperties)
        {
            if (!properties.TryGetProperty(property.Name, out var propertySchema))
            {
                differences.Add($"{path}.{property.Name}: missing from the schema ({type.Name}.{property.Name})");
                continue;
            }
            Walk(property.PropertyType, propertySchema, $"{path}.{property.Name}", differences);
        }
        foreach (var schemaProperty in properties.EnumerateObject())
        {
            if (!optionProperties.Any(p => p.Name == schemaProperty.Name))
            {
                differences.Add($"{path}.{schemaProperty.Name}: in the schema but not an option of {type.Name} (the validator rejects it)");
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;

    private static Type? ListElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(List<>) || d == typeof(IList<>) || d == typeof(IReadOnlyList<>) || d == typeof(IEnumerable<>))
            ? type.GetGenericArguments()[0]
            : null;
}

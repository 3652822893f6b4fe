using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration.Validation;

/// <summary>
/// Checks the raw configuration tree against the options types before binding: unknown keys, lists given as
/// objects and values that are not numbers/booleans are errors (the binder would silently ignore or throw on them).
/// </summary>
internal static class ShapeValidator
{
    public static void Validate(IConfigurationSection section, Type type, List<ConfigError> errors)
    {
        if (section.Value is not null && !section.GetChildren().Any())
        {
            if (IsScalar(type))
            {
                CheckScalar(section, type, errors);
            }
            else if (section.Value.Length > 0 && type.GetCustomAttribute<System.ComponentModel.TypeConverterAttribute>() is null)
            {
                errors.Add(new(ConfigPath.ToJsonPath(section.Path), $"expected {Describe(type)}, found a value"));
            }
            return;
        }

        if (IsScalar(type))
        {
            errors.Add(new(ConfigPath.ToJsonPath(section.Path), $"expected {Describe(type)}, found an object or array"));
            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in section.GetChildren())
            {
                Validate(child, valueType, errors);
            }
            return;
        }

        if (ListElementType(type) is { } elementType)
        {
            foreach (var child in section.GetChildren())
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add(new(ConfigPath.ToJsonPath(section.Path), "expected an array, found an object"));
                    return;
                }
                Validate(child, elementType, errors);
            }
            return;
        }

        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite)
            {
                var known = string.Join(", ", type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name));
                // The key is already the last segment of the path; the message adds nothing a user typed (see ConfigMessages).
                errors.Add(new(ConfigPath.ToJsonPath(child.Path), $"unknown key; expected one of: {known}"));
                continue;
            }
            Validate(child, property.PropertyType, errors);
        }
    }

    private static void CheckScalar(IConfigurationSection section, Type type, List<ConfigError> errors)
    {
        var value = section.Value!;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (value.Length == 0 || t == typeof(string))
        {
            return;
        }
        var ok = t == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : t == typeof(long) ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : t == typeof(double) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : t == typeof(bool) ? bool.TryParse(value, out _)
            : true;
        if (!ok)
        {
            // The value itself is not echoed: a misplaced secret must not end up in logs or validate output.
            errors.Add(new(ConfigPath.ToJsonPath(section.Path), $"expected {Describe(type)}"));
        }
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t == typeof(string) || t == typeof(decimal) || t.IsEnum;
    }

    private static Type? DictionaryValueType(Type type)
        => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    private static Type? ListElementType(Type type)
        => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;

    private static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(int) || t == typeof(long)) return "an integer";
        if (t == typeof(double)) return "a number";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a string";
        if (DictionaryValueType(t) is not null || !typeof(IEnumerable).IsAssignableFrom(t)) return "an object";
        return "an array";
    }
}

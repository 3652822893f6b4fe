using AiProxy.Transforms.Configuration;

namespace AiProxy.Configuration.Validation;

/// <summary>Checks shared by the section validators; each adds one error at the given JSON path.</summary>
internal static class ValueRules
{
    public static void Positive(this ConfigValidationContext context, long? value, string path)
    {
        if (value is <= 0)
        {
            context.Add(path, $"must be a positive number, found {value}");
        }
    }

    public static void NonNegative(this ConfigValidationContext context, double? value, string path)
    {
        if (value is < 0)
        {
            context.Add(path, $"must not be negative, found {value}");
        }
    }

    /// <summary>A lifetime or timeout such as <c>Ttl</c>: absent, or a duration above zero.</summary>
    public static void PositiveDuration(this ConfigValidationContext context, string? text, string path)
    {
        if (text is not null && (!Duration.TryParse(text, out var value) || value <= TimeSpan.Zero))
        {
            context.Add(path, ConfigMessages.PositiveDuration());
        }
    }

    /// <summary>A closed-set setting: absent, or one of the table's names (the value itself is never echoed, see <see cref="ConfigMessages"/>).</summary>
    public static void OneOf<TEnum>(this ConfigValidationContext context, NameTable<TEnum> table, string? value, string path, string what)
        where TEnum : struct, Enum
    {
        if (value is not null && !table.TryParse(value, out _))
        {
            context.Add(path, ConfigMessages.UnknownName(what, table));
        }
    }

    public static void ModelPatterns(this ConfigValidationContext context, List<string>? patterns, string path)
    {
        for (var i = 0; i < (patterns?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(patterns![i]))
            {
                context.Add(ConfigPath.Index(path, i), "model pattern is empty");
            }
        }
    }
}

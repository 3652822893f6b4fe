using System.Diagnostics;

namespace AiProxy.Transforms.Configuration;

/// <summary>
/// The closed set of names a config setting accepts, each mapped to its enum value: declared once and read by the
/// validator (allowed names), the compiler (name to value) and the schema test.
/// </summary>
/// <typeparam name="TEnum">The value type the names stand for.</typeparam>
public sealed class NameTable<TEnum>
    where TEnum : struct, Enum
{
    private readonly (string Name, TEnum Value)[] _entries;

    /// <summary>Initializes a new instance of the <see cref="NameTable{TEnum}"/> class; names match case-insensitively.</summary>
    public NameTable(params (string Name, TEnum Value)[] entries)
    {
        _entries = entries;
        Names = Array.ConvertAll(entries, static e => e.Name);
    }

    /// <summary>Gets the accepted names, in the order the docs and the schema list them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets the names joined for an error message, e.g. <c>fallback, weighted, least-latency</c>.</summary>
    public string OneOf => string.Join(", ", Names);

    /// <summary>Looks a config value up (case-insensitive, not trimmed: the validator rejects what this rejects).</summary>
    public bool TryParse(string? name, out TEnum value)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = entry.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Maps a validated value; absent gives <paramref name="whenAbsent"/>, an unknown name cannot pass validation.</summary>
    /// <exception cref="UnreachableException">The name is not in the table (the config skipped validation).</exception>
    public TEnum Parse(string? name, TEnum whenAbsent)
    {
        if (name is null)
        {
            return whenAbsent;
        }
        return TryParse(name, out var value) ? value : throw new UnreachableException($"'{name}' passed validation but is not one of: {OneOf}");
    }

    /// <summary>Maps a validated, required value; a missing or unknown name cannot pass validation.</summary>
    /// <exception cref="UnreachableException">The name is absent or not in the table (the config skipped validation).</exception>
    public TEnum Parse(string? name)
        => name is null ? throw new UnreachableException($"a required {typeof(TEnum).Name} passed validation absent") : Parse(name, default);

    /// <summary>Returns the config name of a value.</summary>
    public string NameOf(TEnum value)
    {
        foreach (var entry in _entries)
        {
            if (EqualityComparer<TEnum>.Default.Equals(entry.Value, value))
            {
                return entry.Name;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, $"no config name for {typeof(TEnum).Name}.{value}");
    }
}

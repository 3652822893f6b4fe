using AiProxy.Transforms.Configuration;

namespace AiProxy.Transforms.Keys;

/// <summary>The config names of <see cref="PriorityClass"/> (<c>Clients:*:Priority</c>, <c>ReservedKeys:*:ReservedFor</c>).</summary>
public static class PriorityClassNames
{
    /// <summary>Gets the name table shared by the validator, the compiler and the schema test.</summary>
    public static NameTable<PriorityClass> Table { get; } = new(
        ("critical", PriorityClass.Critical),
        ("high", PriorityClass.High),
        ("normal", PriorityClass.Normal),
        ("low", PriorityClass.Low));
}

using System.ComponentModel;
using System.Reflection;

namespace AiProxy.Caching.Hybrid;

/// <summary>
/// Whether a deserialized value may be handed to every caller: strings, primitives, enums, and sealed classes or structs
/// marked <c>[ImmutableObject(true)]</c> (as the proxy's cached response type is). Everything else is deserialized per hit.
/// </summary>
internal static class ImmutableType<T>
{
    public static readonly bool IsImmutable = Compute();

    private static bool Compute()
    {
        var type = typeof(T);
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid))
        {
            return true;
        }
        if (type.IsValueType || type.IsSealed)
        {
            return type.GetCustomAttribute<ImmutableObjectAttribute>() is { Immutable: true };
        }
        return false;
    }
}

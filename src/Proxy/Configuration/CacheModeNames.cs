using AiProxy.Transforms.Configuration;

namespace AiProxy.Configuration;

/// <summary>The config-file names of <see cref="CacheMode"/> (<c>Cache.Mode</c> and <c>Routes[*].Cache.Mode</c>).</summary>
internal static class CacheModeNames
{
    public static NameTable<CacheMode> Table { get; } = new(
        ("deterministic", CacheMode.Deterministic),
        ("always", CacheMode.Always),
        ("off", CacheMode.Off));
}

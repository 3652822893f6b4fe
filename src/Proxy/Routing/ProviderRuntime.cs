using AiProxy.Transforms.Upstream;

namespace AiProxy.Routing;

/// <summary>A provider compiled from config: its upstream target and its usable keys.</summary>
internal sealed class ProviderRuntime
{
    private int _next;

    public ProviderRuntime(UpstreamTarget target, IReadOnlyList<string> keys, string? keyProblem)
    {
        Target = target;
        Keys = keys;
        KeyProblem = keyProblem;
    }

    public string Name => Target.Name;

    public UpstreamTarget Target { get; }

    /// <summary>Gets the resolved key values (never logged).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Gets why no key is usable (names the setting, never a value); null when keys are fine.</summary>
    public string? KeyProblem { get; }

    /// <summary>Picks a key; false when the provider needs a key and has none.</summary>
    public bool TryGetKey(out string? key)
    {
        var keys = Keys;
        if (keys.Count == 0)
        {
            key = null;
            return !Target.RequiresKey;
        }
        var i = (uint)Interlocked.Increment(ref _next) % (uint)keys.Count;
        key = keys[(int)i];
        return true;
    }
}

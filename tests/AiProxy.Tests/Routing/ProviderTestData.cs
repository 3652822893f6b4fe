using AiProxy.Routing;
using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Tests.Routing;

/// <summary>Provider runtimes for selection and attempt tests, all in one YARP cluster.</summary>
internal static class ProviderTestData
{
    public const string ClusterId = "cluster";

    public static ProviderRuntime Provider(string name, TimeProvider time, int weight = 1, params string[] keys)
    {
        var target = new UpstreamTarget(name, ProviderKind.OpenAI, new Uri("http://127.0.0.1:1/v1")) { ClusterId = ClusterId };
        var pool = keys.Length == 0 ? null : new UpstreamKeyPool(name, new UpstreamKeyPoolOptions { Keys = keys, WatchFiles = false }, time);
        return new ProviderRuntime(target, pool, new ProviderCircuitBreaker(time, threshold: 2, breakDuration: TimeSpan.FromSeconds(30)), weight, time);
    }

    public static ProviderRuntime[] Providers(int count, TimeProvider time)
    {
        var providers = new ProviderRuntime[count];
        for (var i = 0; i < count; i++)
        {
            providers[i] = Provider("p" + i, time);
        }
        return providers;
    }
}


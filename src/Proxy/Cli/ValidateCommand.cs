using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Runtime;

namespace AiProxy.Cli;

/// <summary><c>aiproxy validate --config PATH</c>: checks a config file without starting a server.</summary>
internal static class ValidateCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var loader = new ConfigLoader(ConfigLoader.ResolvePath(args), args);
        var errors = SnapshotCompiler.TryLoad(loader, ProviderRuntimeFactory.Offline, 1, null, out var snapshot);
        if (snapshot is null)
        {
            output.WriteLine($"{loader.Path}: invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")})");
            foreach (var error in errors)
            {
                output.WriteLine($"  error: {error.Path}: {error.Message}");
            }
            return 1;
        }

        using var dispose = new Disposer(snapshot);
        // The default route by position: a route's Name is a value from the file, and values are never printed (ConfigMessages).
        output.WriteLine($"{loader.Path}: valid ({snapshot.Providers.Count} providers, {snapshot.Routes.Routes.Length} routes, default route $.AiProxy.Routes[{snapshot.Routes.Default.Index}])");
        foreach (var provider in snapshot.Providers.Values)
        {
            if (provider.Target.RequiresKey && provider.KeyProblem is { } problem)
            {
                // Not an error: the proxy starts and answers with a clear 503 for this provider until the key is there.
                output.WriteLine($"  warning: $.AiProxy.Providers.{provider.Name}.Keys: {problem}");
            }
        }
        return 0;
    }

    private readonly struct Disposer(AiProxySnapshot snapshot) : IDisposable
    {
        public void Dispose()
        {
            foreach (var runtime in snapshot.Providers.Values)
            {
                runtime.Dispose();
            }
        }
    }
}

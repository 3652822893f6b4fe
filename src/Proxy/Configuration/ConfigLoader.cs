using AiProxy.Configuration.Validation;
using AiProxy.Routing;
using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration;

/// <summary>The one loader and compiler: reads the config file (plus env and command-line overrides), validates it and compiles a snapshot.</summary>
internal sealed class ConfigLoader
{
    private readonly string[] _args;
    private readonly ProviderRuntimeFactory _runtimes;

    public ConfigLoader(string path, string[] args, ProviderRuntimeFactory? runtimes = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        _args = args;
        _runtimes = runtimes ?? ProviderRuntimeFactory.Offline;
    }

    public string Path { get; }

    /// <summary>Reads and validates the file; returns every error (each with a JSON path) instead of throwing.</summary>
    public List<ConfigError> Load(out LoadedConfig? config)
    {
        config = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [new("$", $"cannot read config file {Path}: {ex.Message}")];
        }

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(bytes))
                .AddEnvironmentVariables()
                .AddCommandLine(_args)
                .Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            var detail = ex.InnerException?.Message ?? ex.Message;
            return [new("$", $"the file is not valid JSON: {detail}")];
        }

        var errors = ConfigValidator.Validate(root, out var options);
        if (errors.Count == 0)
        {
            config = new LoadedConfig(options!, root);
        }
        return errors;
    }

    /// <summary>Compiles a validated config; providers whose settings did not change keep their runtime from <paramref name="previous"/>.</summary>
    public AiProxySnapshot Compile(LoadedConfig config, int version, AiProxySnapshot? previous)
        => SnapshotCompiler.Compile(config, version, previous, _runtimes);

    /// <summary>Reads, validates and compiles the file in one go (the validate command, reloads and tests).</summary>
    public List<ConfigError> TryLoad(int version, AiProxySnapshot? previous, out AiProxySnapshot? snapshot)
    {
        var errors = Load(out var config);
        snapshot = config is null ? null : Compile(config, version, previous);
        return errors;
    }

    /// <summary>Finds the config path: <c>--config</c>, then <c>AIPROXY_CONFIG</c>, then <c>config/aiproxy.json</c>.</summary>
    public static string ResolvePath(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if ((a == "--config" || a == "-c") && i + 1 < args.Length)
            {
                return args[i + 1];
            }
            if (a.StartsWith("--config=", StringComparison.Ordinal))
            {
                return a["--config=".Length..];
            }
        }
        var env = Environment.GetEnvironmentVariable("AIPROXY_CONFIG");
        if (!string.IsNullOrWhiteSpace(env))
        {
            return env;
        }
        // dotnet run --project src/Proxy runs from the repo root; the published app and the container from their own folder.
        foreach (var candidate in new[] { "config/aiproxy.json", System.IO.Path.Combine(AppContext.BaseDirectory, "config", "aiproxy.json"), "../../config/aiproxy.json" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return "config/aiproxy.json";
    }
}

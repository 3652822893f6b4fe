using AiProxy.Configuration.Validation;
using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration;

/// <summary>The one loader: reads the config file (plus env and command-line overrides) and validates it; <c>Runtime.SnapshotCompiler</c> compiles the result.</summary>
internal sealed class ConfigLoader
{
    private readonly string[] _args;

    public ConfigLoader(string path, string[] args)
    {
        Path = System.IO.Path.GetFullPath(path);
        _args = args;
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
            // Never the parser's message: it quotes the text it failed on, which may be a key (see ConfigMessages).
            return [ConfigFileErrors.Describe(bytes, ex)];
        }

        var errors = ConfigValidator.Validate(root, out var options);
        if (errors.Count == 0)
        {
            config = new LoadedConfig(options!, root);
        }
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

using System.Globalization;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Cli;

/// <summary>Parsed arguments: a command followed by <c>--name value</c> options (repeatable ones collected) and <c>--flag</c>s.</summary>
internal sealed class CommandLine
{
    private static readonly HashSet<string> Flags = ["quick", "help"];
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    private CommandLine(string command) => Command = command;

    public string Command { get; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var line = new CommandLine(args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "help");
        for (var i = line.Command == "help" && (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal)) ? 0 : 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"unexpected argument '{arg}'");
            }
            var name = arg[2..];
            var eq = name.IndexOf('=');
            string value;
            if (eq > 0)
            {
                (name, value) = (name[..eq], name[(eq + 1)..]);
            }
            else if (Flags.Contains(name))
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new FormatException($"--{name} needs a value");
            }
            (_ = line._options.TryGetValue(name, out var list) ? list : line._options[name] = []).Add(value);
        }
        return line;
    }

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _options.TryGetValue(name, out var v) ? v : [];

    public int? GetInt(string name) => Get(name) is { } s ? int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public IEnumerable<string> Names => _options.Keys;

    public IReadOnlyList<Threshold> Thresholds() => [.. GetAll("threshold").Select(Threshold.Parse)];

    /// <summary>Parses <c>30s</c>, <c>2m</c>, <c>500ms</c>, <c>1h</c> or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        static double N(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        return t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(N(t[..^2])),
            _ when t.EndsWith('s') => TimeSpan.FromSeconds(N(t[..^1])),
            _ when t.EndsWith('m') => TimeSpan.FromMinutes(N(t[..^1])),
            _ when t.EndsWith('h') => TimeSpan.FromHours(N(t[..^1])),
            _ => TimeSpan.FromSeconds(N(t)),
        };
    }
}

namespace AiProxy.Configuration;

/// <summary>A secret reference from config: a literal, <c>env:NAME</c> or <c>file:PATH</c>. Never prints the secret.</summary>
internal static class SecretSpec
{
    public static bool IsEnv(string spec, out string name)
    {
        if (spec.StartsWith("env:", StringComparison.Ordinal))
        {
            name = spec[4..];
            return true;
        }
        name = "";
        return false;
    }

    public static bool IsFile(string spec, out string path)
    {
        if (spec.StartsWith("file:", StringComparison.Ordinal))
        {
            path = spec[5..];
            return true;
        }
        path = "";
        return false;
    }

    /// <summary>A safe description for messages: the env var or file, or "a literal key".</summary>
    public static string Describe(string spec)
        => IsEnv(spec, out var name) ? $"environment variable {name}"
         : IsFile(spec, out var path) ? $"file {path}"
         : "a literal key";

    /// <summary>Resolves every spec; <paramref name="problem"/> names what to fill in when nothing resolved.</summary>
    public static List<string> ResolveAll(IReadOnlyList<string>? specs, out string? problem)
    {
        var values = new List<string>();
        var missing = new List<string>();
        if (specs is not null)
        {
            foreach (var spec in specs)
            {
                var before = values.Count;
                Resolve(spec, values);
                if (values.Count == before)
                {
                    missing.Add(Describe(spec));
                }
            }
        }
        problem = values.Count == 0
            ? (missing.Count == 0 ? "no keys are configured" : "set " + string.Join(" or ", missing))
            : null;
        return values;
    }

    private static void Resolve(string spec, List<string> into)
    {
        if (IsEnv(spec, out var name))
        {
            var value = Environment.GetEnvironmentVariable(name)?.Trim();
            if (!string.IsNullOrEmpty(value))
            {
                into.Add(value);
            }
            return;
        }
        if (IsFile(spec, out var path))
        {
            try
            {
                if (Directory.Exists(path))
                {
                    foreach (var file in Directory.GetFiles(path))
                    {
                        if (!Path.GetFileName(file).StartsWith('.'))
                        {
                            AddLines(File.ReadAllLines(file), into);
                        }
                    }
                }
                else if (File.Exists(path))
                {
                    AddLines(File.ReadAllLines(path), into);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            return;
        }
        if (!string.IsNullOrWhiteSpace(spec))
        {
            into.Add(spec.Trim());
        }
    }

    private static void AddLines(string[] lines, List<string> into)
    {
        foreach (var line in lines)
        {
            var t = line.Trim();
            if (t.Length > 0 && !t.StartsWith('#'))
            {
                into.Add(t);
            }
        }
    }
}

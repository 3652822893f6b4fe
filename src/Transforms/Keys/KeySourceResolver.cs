namespace AiProxy.Transforms.Keys;

/// <summary>Turns key specs into secrets; every failure becomes a remedy text that names the spec, never a key.</summary>
internal static class KeySourceResolver
{
    public static void Resolve(KeySpec spec, List<string> keys, List<string> remedies)
    {
        switch (spec.Kind)
        {
            case KeySpecKind.Literal:
                if (spec.Value.Length == 0)
                {
                    remedies.Add("a literal entry in Keys is empty");
                }
                else
                {
                    keys.Add(spec.Value);
                }
                break;

            case KeySpecKind.Environment:
                if (spec.Value.Length == 0)
                {
                    remedies.Add("'env:' names no environment variable");
                    break;
                }

                var value = Environment.GetEnvironmentVariable(spec.Value)?.Trim();
                if (string.IsNullOrEmpty(value))
                {
                    remedies.Add($"set environment variable {spec.Value}");
                }
                else
                {
                    keys.Add(value);
                }
                break;

            case KeySpecKind.File:
                ResolvePath(spec.Value, keys, remedies);
                break;
        }
    }

    private static void ResolvePath(string path, List<string> keys, List<string> remedies)
    {
        if (path.Length == 0)
        {
            remedies.Add("'file:' names no path");
            return;
        }

        try
        {
            if (Directory.Exists(path))
            {
                ReadKeyDirectory(path, keys, remedies);
                return;
            }

            if (!File.Exists(path))
            {
                remedies.Add($"create file '{path}' with one key per line (it does not exist)");
                return;
            }

            ReadKeyFile(path, keys, remedies);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The exception message names the path at most, never file content.
            remedies.Add($"make '{path}' readable ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>Reads one key per file of a directory (a mounted Kubernetes Secret); may throw IO exceptions.</summary>
    private static void ReadKeyDirectory(string path, List<string> keys, List<string> remedies)
    {
        var before = keys.Count;
        var files = Directory.GetFiles(path);
        // Kubernetes projects each Secret item as a file; its bookkeeping entries (..data, ..2024_…) start with a dot.
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (Path.GetFileName(file).StartsWith('.'))
            {
                continue;
            }

            var key = File.ReadAllText(file).Trim();
            if (key.Length > 0)
            {
                keys.Add(key);
            }
        }

        if (keys.Count == before)
        {
            remedies.Add($"put at least one key file into directory '{path}' (it holds none)");
        }
    }

    /// <summary>Reads one key per non-empty, non-<c>#</c> line of a file; may throw IO exceptions.</summary>
    private static void ReadKeyFile(string path, List<string> keys, List<string> remedies)
    {
        var count = keys.Count;
        foreach (var line in File.ReadLines(path))
        {
            var key = line.Trim();
            if (key.Length > 0 && !key.StartsWith('#'))
            {
                keys.Add(key);
            }
        }

        if (keys.Count == count)
        {
            remedies.Add($"put at least one key into file '{path}' (it holds none)");
        }
    }
}

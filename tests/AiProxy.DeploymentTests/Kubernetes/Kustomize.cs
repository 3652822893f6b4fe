using System.Diagnostics;

namespace AiProxy.DeploymentTests.Kubernetes;

/// <summary>Renders kustomizations with the real <c>kubectl kustomize</c>; a missing kubectl fails the tests.</summary>
internal static class Kustomize
{
    private static readonly Lazy<string> KubectlPath = new(FindKubectl);

    /// <summary>Every folder under <c>k8s/</c> that holds a kustomization, relative to the repository root.</summary>
    public static IEnumerable<string> Directories() =>
        Directory.EnumerateFiles(RepoPaths.File("k8s"), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepoPaths.Root, Path.GetDirectoryName(file)!).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);

    public static string Render(string relativeDirectory)
    {
        var psi = new ProcessStartInfo(KubectlPath.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(relativeDirectory);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {relativeDirectory} did not finish in 60 s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {relativeDirectory} exited {process.ExitCode}: {stderr.Result}");
        }
        return stdout;
    }

    private static string FindKubectl()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        // Deliberately a failure, not a skip: CI must render every overlay.
        throw new InvalidOperationException("kubectl is not on PATH: install kubectl (the manifests are rendered with `kubectl kustomize`).");
    }
}

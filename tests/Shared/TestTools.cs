using System.Diagnostics;

namespace AiProxy.Testing;

/// <summary>
/// Finds the external servers the tests use (redis-server, promtool) and, on a fresh Debian machine where the tests
/// run as root, installs the missing Debian package once so that a plain <c>dotnet test</c> works.
/// </summary>
public static class TestTools
{
    private static readonly object Gate = new();

    public static string Require(string executable, string debianPackage)
    {
        lock (Gate)
        {
            if (Find(executable) is { } found)
            {
                return found;
            }
            if (Environment.UserName == "root" && Find("apt-get") is { } aptGet)
            {
                // Several test assemblies run at once: wait for dpkg's lock instead of failing on it.
                Run(aptGet, "-o", "DPkg::Lock::Timeout=600", "update", "-qq");
                Run(aptGet, "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "--no-install-recommends", debianPackage);
                // Debian starts the packaged service; the tests start their own instances on free ports.
                if (Find("service") is { } service)
                {
                    Run(service, debianPackage, "stop");
                }
            }
            return Find(executable)
                ?? throw new InvalidOperationException($"{executable} is not installed: run `apt-get install -y {debianPackage}` (as root) and rerun the tests.");
        }
    }

    private static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        process.WaitForExit(600_000);
    }
}

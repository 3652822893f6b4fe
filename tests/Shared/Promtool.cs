using System.Diagnostics;

namespace AiProxy.Testing;

/// <summary>Runs <c>promtool</c> (Debian package <c>prometheus</c>; CI installs it) and returns its exit code and output.</summary>
public static class Promtool
{
    public static (int ExitCode, string Output) Run(string? stdin, params string[] args)
    {
        var exe = TestTools.Require("promtool", "prometheus");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(60_000), "promtool did not finish within 60 s");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

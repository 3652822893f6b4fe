using System.Diagnostics;

namespace AiProxy.DeploymentTests.Docker;

// The full check (lint, COPY sources, the Dockerfile's own publish, a start of the output) is .ci/deploy-checks,
// which .ci/run runs; these tests keep its lint honest: it passes our Dockerfile and catches hadolint's rules.
public sealed class DockerfileLintTests
{
    [Fact]
    public void LintOnly_RepositoryDockerfile_Passes()
    {
        var (code, output) = RunLint("Dockerfile");

        Assert.True(code == 0, output);
        Assert.Contains("every COPY source exists", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet:latest", "DL3007")]
    [InlineData("FROM mcr.microsoft.com/dotnet/aspnet", "DL3006")]
    [InlineData("USER root", "DL3002")]
    [InlineData("ADD config/aiproxy.json /etc/aiproxy/", "DL3020")]
    [InlineData("WORKDIR app", "DL3000")]
    [InlineData("COPY config/missing.json /etc/aiproxy/", "COPY source config/missing.json does not exist")]
    [InlineData("COPY --from=nope /app ./", "DL3022")]
    [InlineData("ENTRYPOINT dotnet AiProxy.dll", "DL3025")]
    public void LintOnly_DockerfileBreakingARule_FailsNamingIt(string badLine, string expected)
    {
        var lines = File.ReadAllLines(RepoPaths.File("Dockerfile")).ToList();
        var keyword = badLine.Split(' ')[0];
        var at = keyword switch
        {
            "FROM" => lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal)),
            "USER" or "ENTRYPOINT" => lines.FindLastIndex(l => l.StartsWith(keyword + " ", StringComparison.Ordinal)),
            _ => lines.FindLastIndex(l => l.StartsWith("WORKDIR ", StringComparison.Ordinal)) + 1,
        };
        if (keyword is "FROM" or "USER" or "ENTRYPOINT")
        {
            lines[at] = badLine;
        }
        else
        {
            lines.Insert(at, badLine);
        }
        var path = Path.Combine(Path.GetTempPath(), $"aiproxy-{Guid.NewGuid():N}.Dockerfile");
        File.WriteAllLines(path, lines);
        try
        {
            var (code, output) = RunLint(path);

            Assert.Equal(1, code);
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int Code, string Output) RunLint(string dockerfile)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        psi.ArgumentList.Add(RepoPaths.File(".ci/deploy-checks"));
        psi.ArgumentList.Add("--lint-only");
        psi.ArgumentList.Add(dockerfile);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "deploy-checks --lint-only did not finish in 30 s");
        return (process.ExitCode, stdout + stderr.Result);
    }
}

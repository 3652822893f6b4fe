using System.Diagnostics;
using System.Text;

namespace AiProxy.FunctionalTests.Security;

/// <summary>
/// The built proxy run as a process (<c>dotnet AiProxy.dll</c>): a key pasted into wrong fields, into an environment
/// override or into a file that is not JSON never appears on stdout or stderr of <c>validate</c> or of a refused start.
/// </summary>
public sealed class SentinelCliTests
{
    private const string Marker = "SENTINEL";
    private const string Key = "sk-SENTINEL-cli-7c04e2b95a13";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    // Keys in a URL, a provider type, durations, a route's provider list, closed-set names, a time zone, the
    // management address, the embedder and an unknown field; and a duplicate route name that is a key. (A key in a
    // number field stops the check at the shape errors; ConfigRedactionTests covers those field by field.)
    private static readonly string WrongFields = """
        {"AiProxy":{
          "Providers":{"p":{"Type":"KEY","BaseUrl":"https://x:KEY@KEY/v1","Keys":["KEY"],"Timeout":"KEY","KeyStrategy":"KEY"}},
          "Routes":[{"Name":"KEY","Models":["*"],"Providers":["KEY"],"Balance":"KEY","Cache":{"Mode":"KEY","Ttl":"KEY"}},
                    {"Name":"KEY","Models":["KEY"],"Providers":["p"]}],
          "Clients":{"c":{"Keys":["KEY"],"Priority":"KEY","Budget":{"ResetTimeZone":"KEY"}}},
          "Cache":{"Semantic":{"Embeddings":"KEY"}},
          "ManagementUrls":"KEY",
          "Bogus":"KEY"
        }}
        """.Replace("KEY", Key, StringComparison.Ordinal);

    private static readonly string Valid = """
        {"AiProxy":{
          "Providers":{"p":{"Type":"openai-compatible","BaseUrl":"http://127.0.0.1:9/v1","Keys":["KEY"],"Headers":{"X-Title":"KEY"}}},
          "Routes":[{"Name":"KEY","Models":["*"],"Providers":["p"],"RewriteModel":"KEY"}],
          "Redis":{"Configuration":"127.0.0.1:9,password=KEY"}
        }}
        """.Replace("KEY", Key, StringComparison.Ordinal);

    [Fact]
    public async Task Validate_KeysInWrongFields_ExitsOneWithPathsAndNoKey()
    {
        var (code, output) = await RunAsync(["validate", "--config", Write(WrongFields)]);

        Assert.True(code == 1, output);
        Assert.Contains("error: $.AiProxy.Providers.p.BaseUrl: BaseUrl must not have credentials, a query or a fragment (keys go in Keys)", output, StringComparison.Ordinal);
        Assert.Contains("error: $.AiProxy.Providers.p.Timeout: must be a positive duration such as 00:05:00, 300s or 5m", output, StringComparison.Ordinal);
        Assert.Contains("error: $.AiProxy.Routes[1].Name: duplicate route name: Routes[0] has the same Name", output, StringComparison.Ordinal);
        Assert.Contains("error: $.AiProxy.Clients.c.Budget.ResetTimeZone: unknown time zone; use an IANA id", output, StringComparison.Ordinal);
        Assert.Contains("error: $.AiProxy.Bogus: unknown key; expected one of:", output, StringComparison.Ordinal);
        AssertNoKey(output);
    }

    [Fact]
    public async Task Validate_KeyInEnvironmentOverride_ReportsThePathOnly()
    {
        var (code, output) = await RunAsync(["validate", "--config", Write(Valid)],
            ("AiProxy__Providers__p__Timeout", Key), ("AiProxy__Routes__0__Balance", Key));

        Assert.True(code == 1, output);
        Assert.Contains("error: $.AiProxy.Providers.p.Timeout: must be a positive duration", output, StringComparison.Ordinal);
        Assert.Contains("error: $.AiProxy.Routes[0].Balance: unknown balance; one of: fallback, weighted, least-latency", output, StringComparison.Ordinal);
        AssertNoKey(output);
    }

    [Theory]
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"BaseUrl\": " + Key + "}}}}")]
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[t" + Key + "]}}}}")]
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[\"" + Key)]
    public async Task Validate_BrokenJsonAroundAKey_ReportsLineAndByteOnly(string json)
    {
        var (code, output) = await RunAsync(["validate", "--config", Write(json)]);

        Assert.True(code == 1, output);
        Assert.Contains("error: $: the file is not valid JSON", output, StringComparison.Ordinal);
        AssertNoKey(output);
    }

    [Fact]
    public async Task Validate_ValidConfigHoldingKeysInNamesAndValues_ExitsZeroWithoutThem()
    {
        var (code, output) = await RunAsync(["validate", "--config", Write(Valid)]);

        Assert.True(code == 0, output);
        Assert.Contains(": valid (1 providers, 1 routes, default route $.AiProxy.Routes[0])", output, StringComparison.Ordinal);
        AssertNoKey(output);
    }

    [Fact]
    public async Task Start_KeysInWrongFields_RefusesToStartWithoutPrintingThem()
    {
        var (code, output) = await RunAsync(["--config", Write(WrongFields), "--urls", "http://127.0.0.1:0"]);

        Assert.True(code == 1, output);
        Assert.Contains("invalid config, not starting", output, StringComparison.Ordinal);
        Assert.Contains("error: $.AiProxy.Providers.p.Type: unknown provider type; one of:", output, StringComparison.Ordinal);
        AssertNoKey(output);
    }

    private static void AssertNoKey(string output)
    {
        var at = output.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        Assert.True(at < 0, "the key leaked into the output:\n" + output);
    }

    private static string Write(string json)
    {
        var dir = Path.Combine(Path.GetTempPath(), "aiproxy-ft", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "aiproxy.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Runs the built proxy with the arguments and extra environment; returns the exit code and stdout + stderr.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string[] args, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AiProxy.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = new StringBuilder().Append(await stdout).Append('\n').Append(await stderr).ToString();
        return (process.ExitCode, output);
    }
}

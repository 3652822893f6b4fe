using System.Text.Json;
using Xunit.Abstractions;
using AiProxy.FunctionalTests.Infrastructure;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>An upstream key file that becomes unreadable while the proxy runs, then is fixed.</summary>
public sealed class KeyFileFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KeyFileUnreadable_NoServerError_NoSecretInLogs_AndTheFixedFileIsUsed()
    {
        var dir = Directory.CreateTempSubdirectory("aiproxy-keyfault-").FullName;
        var keyFile = Path.Combine(dir, "openai");
        await File.WriteAllTextAsync(keyFile, "sk-first-key-0001\n");
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => $$$"""
            {"AiProxy":{
              "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{v1}}}","Keys":["file:{{{keyFile}}}"]}},
              "Routes":[{"Models":["*"],"Providers":["mock"]}],
              "Cache":{"Mode":"off"}
            }}
            """);
        await FaultClient.AssertServesNormallyAsync(env.Proxy);

        // Root reads files whatever their mode: a symlink loop is unreadable for everyone (ELOOP).
        File.Delete(keyFile);
        File.CreateSymbolicLink(keyFile, keyFile);
        var statuses = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await env.Proxy.Client.SendAsync(FaultClient.Chat());
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal("upstream_key_missing", json.RootElement.GetProperty("error").GetProperty("code").GetString());
            }
            await Task.Delay(300);
        }

        output.WriteLine("while unreadable: " + string.Join(",", statuses));
        File.Delete(keyFile);
        await File.WriteAllTextAsync(keyFile, "sk-fixed-key-0002\n");
        await Wait.Until(async () =>
        {
            using var response = await env.Proxy.Client.SendAsync(FaultClient.Chat());
            return response.IsSuccessStatusCode && env.Upstream.Requests[^1].Authorization == "Bearer sk-fixed-key-0002";
        }, "the fixed key file to be used", TimeSpan.FromSeconds(30));

        Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 503 }));
        Assert.DoesNotContain("sk-first-key-0001", env.Proxy.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-fixed-key-0002", env.Proxy.Logs.AllText, StringComparison.Ordinal);
    }
}

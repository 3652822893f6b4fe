using System.Net.Http.Headers;
using System.Text;
using AiProxy.Cli;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using Microsoft.Extensions.Logging;

namespace AiProxy.FunctionalTests.Security;

/// <summary>
/// Unique sentinel strings as upstream and client keys, many scenarios driven through a real proxy, and every log line
/// (message, state, scopes, exceptions), response (status line, headers, body), /metrics scrape and validate output
/// searched for them: no secret may appear anywhere.
/// </summary>
public sealed class SentinelKeyTests
{
    private const string Marker = "SENTINEL";
    private const string UpstreamKeyA = "sk-SENTINEL-upstream-a-5c1f9e07d2";
    private const string UpstreamKeyB = "sk-SENTINEL-upstream-b-8a3e6b41f0";
    private const string SoloKey = "sk-SENTINEL-upstream-solo-41b7c2e9";
    private const string ClientKey = "sk-SENTINEL-client-c-2d7f0a93b6";
    private const string WrongClientKey = "sk-SENTINEL-wrong-client-9e4c1b";

    private readonly StringBuilder _seen = new();

    private static string Config(Uri v1, string extraProviderField = "") =>
        "{\"AiProxy\":{\"Providers\":{\"mock\":{\"Type\":\"openai-compatible\",\"BaseUrl\":\"" + v1 + "\",\"KeyStrategy\":\"round-robin\",\"Keys\":[\""
        + UpstreamKeyA + "\",\"" + UpstreamKeyB + "\"]" + extraProviderField + "},"
        + "\"solo\":{\"Type\":\"openai-compatible\",\"BaseUrl\":\"" + v1 + "\",\"Keys\":[\"" + SoloKey + "\"]}},"
        + "\"Routes\":[{\"Models\":[\"solo-*\"],\"Providers\":[\"solo\"]},{\"Models\":[\"*\"],\"Providers\":[\"mock\"]}],"
        + "\"Clients\":{\"team\":{\"Keys\":[\"" + ClientKey + "\"]}}}}";

    // A provider that echoes the key it was sent in its 401 body (OpenAI echoes a masked form; some servers the whole key).
    private static MockBehavior? EchoKeyOn401(MockRequest r)
        => r.Header(MockHeaders.Status) == "401"
            ? new MockBehavior { StatusCode = 401, ErrorMessage = "Incorrect API key provided: " + r.Authorization?.Replace("Bearer ", "", StringComparison.Ordinal) + ".", ErrorCode = "invalid_api_key" }
            : null;

    [Fact]
    public async Task EveryScenario_NoSentinelInLogsResponsesMetricsOrValidateOutput()
    {
        var logs = new SentinelLoggerProvider();
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { Behavior = EchoKeyOn401 });
        await using var proxy = await ProxyServer.StartAsync(Config(upstream.V1), builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            // Every category at every level, whatever the app's Logging:LogLevel rules say (they keep ASP.NET Core quiet).
            builder.Logging.AddFilter<SentinelLoggerProvider>(null, LogLevel.Trace);
        });
        var http = proxy.Client;

        await SendAsync(http, Chat(), ClientKey);                                           // success
        await SendAsync(http, Chat(stream: true), ClientKey);                              // stream
        await SendAsync(http, Chat(stream: true), ClientKey, (MockHeaders.AbortAfterChunks, "2"));  // stream cut by the upstream
        await SendAsync(http, Chat(stream: true), ClientKey, (MockHeaders.ErrorAfterChunks, "1"));  // in-band error
        await SendAsync(http, Chat(cacheable: true), ClientKey);                           // cache miss
        await SendAsync(http, Chat(cacheable: true), ClientKey);                           // cache hit
        await SendAsync(http, Chat(stream: true, cacheable: true), ClientKey);             // hit replayed as a stream
        // 429 last: it sends both keys into a cooldown.
        foreach (var status in new[] { "403", "500", "503", "429" })
        {
            await SendAsync(http, Chat(), ClientKey, (MockHeaders.Status, status), (MockHeaders.RetryAfter, "1"));
        }
        await SendAsync(http, Chat(), WrongClientKey);                                     // bad client key
        await SendAsync(http, Chat(), null);                                               // no client key
        await SendAsync(http, "{ not json", ClientKey);                                    // invalid JSON
        await SendAsync(http, """{"model":"gpt-4o","messages":""" + new string('[', 5000), ClientKey); // deep nesting
        await SendAsync(http, Chat(), "Bearer " + ClientKey + "\u00e9");                   // non-ASCII key
        await GetAsync(http, "v1/models", ClientKey);
        await GetAsync(http, "healthz", null);
        await GetAsync(http, "readyz", null);
        await PostAsync(http, "admin/cache/purge", ClientKey);
        await GetAsync(http, "metrics", null);

        // Reloads with errors (an unknown field beside the keys; keys pasted into a duration, a URL-only field and a
        // closed-set field; a file cut off mid-key), then a valid one.
        await proxy.WriteConfigAsync(Config(upstream.V1, ",\"Bogus\":\"" + UpstreamKeyA + "\""));
        await Wait.Until(() => Task.FromResult(logs.AllText.Contains("[101]", StringComparison.Ordinal)), "the rejected reload to be logged");
        await proxy.WriteConfigAsync(Config(upstream.V1, ",\"Timeout\":\"" + UpstreamKeyA + "\",\"QuotaCooldown\":\"" + UpstreamKeyB + "\",\"ApiVersion\":\"" + SoloKey + "\""));
        await Wait.Until(() => Task.FromResult(logs.AllText.Contains("$.AiProxy.Providers.mock.QuotaCooldown: must be a positive duration", StringComparison.Ordinal)), "the second rejected reload to be logged");
        await proxy.WriteConfigAsync("{ \"AiProxy\": { \"Providers\": { \"mock\": { \"Keys\": [\"" + UpstreamKeyB + "\"");
        await Wait.Until(() => Task.FromResult(System.Text.RegularExpressions.Regex.Count(logs.AllText, @"\[101\]") >= 3), "the truncated reload to be logged");
        await proxy.WriteConfigAsync(Config(upstream.V1, ",\"Timeout\":\"30s\""));
        await Wait.Until(async () => (await http.GetStringAsync("healthz")).Contains("\"configVersion\":2", StringComparison.Ordinal), "the good reload");

        // Upstream 401 on both keys last (it disables them): the upstream echoes the key, then every key is gone.
        await SendAsync(http, Chat(), ClientKey, (MockHeaders.Status, "401"));
        await SendAsync(http, Chat(), ClientKey);
        // A single key with nowhere else to go: the upstream's own 401 would reach the client.
        await SendAsync(http, Chat(model: "solo-model"), ClientKey, (MockHeaders.Status, "401"));
        await GetAsync(http, "metrics", null);

        // validate, on a good and a broken file holding the keys.
        Validate(proxy.ConfigPath);
        var broken = Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "broken.json");
        // A typo'd field holding keys, and a file cut off in the middle of a key.
        await File.WriteAllTextAsync(broken, Config(upstream.V1, ",\"Kyes\":[\"" + UpstreamKeyA + "\"],\"Timeout\":\"soon\""));
        Validate(broken);
        await File.WriteAllTextAsync(broken, Config(upstream.V1)[..(Config(upstream.V1).IndexOf(UpstreamKeyB, StringComparison.Ordinal) + 10)]);
        Validate(broken);

        Assert.Equal(3, upstream.Requests.Count(r => r.Header(MockHeaders.Status) == "401"));
        Assert.Contains("upstream_key_rejected", _seen.ToString(), StringComparison.Ordinal);
        Assert.True(logs.Count > 50, $"only {logs.Count} log lines were captured");
        AssertNoSentinel("responses, metrics and validate output", _seen.ToString());
        AssertNoSentinel("logs", logs.AllText);
        AssertNoSentinel("the proxy's own captured logs", proxy.Logs.AllText);
    }

    private static void AssertNoSentinel(string where, string text)
    {
        var at = text.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        Assert.True(at < 0, $"a sentinel key leaked into {where}: …{(at < 0 ? "" : text.Substring(Math.Max(0, at - 300), Math.Min(500, text.Length - Math.Max(0, at - 300))))}…");
    }

    private static string Chat(bool stream = false, bool cacheable = false, string model = "gpt-4o")
        => "{\"model\":\"" + model + "\",\"stream\":" + (stream ? "true" : "false") + ",\"temperature\":" + (cacheable ? "0" : "0.7")
           + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private Task SendAsync(HttpClient http, string body, string? key, params (string Name, string Value)[] headers)
        => RecordAsync(http, HttpMethod.Post, "v1/chat/completions", body, key, headers);

    private Task GetAsync(HttpClient http, string path, string? key) => RecordAsync(http, HttpMethod.Get, path, null, key, []);

    private Task PostAsync(HttpClient http, string path, string? key) => RecordAsync(http, HttpMethod.Post, path, null, key, []);

    private async Task RecordAsync(HttpClient http, HttpMethod method, string path, string? body, string? key, (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", key.StartsWith("Bearer ", StringComparison.Ordinal) ? key : "Bearer " + key);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        try
        {
            using var response = await http.SendAsync(request);
            _seen.Append((int)response.StatusCode).Append(' ').Append(path).Append('\n');
            Append(response.Headers);
            Append(response.Content.Headers);
            _seen.Append(await response.Content.ReadAsStringAsync()).Append('\n');
        }
        catch (HttpRequestException ex)
        {
            // A stream the proxy had to cut (upstream abort mid-stream): the reset is the answer.
            _seen.Append(path).Append(" reset: ").Append(ex.Message).Append('\n');
        }
    }

    private void Append(HttpHeaders headers)
    {
        foreach (var (name, values) in headers)
        {
            _seen.Append(name).Append(": ").AppendJoin(",", values).Append('\n');
        }
    }

    private void Validate(string path)
    {
        var output = new StringWriter();
        var code = ValidateCommand.Run(["--config", path], output);
        _seen.Append("validate ").Append(code).Append('\n').Append(output).Append('\n');
    }
}

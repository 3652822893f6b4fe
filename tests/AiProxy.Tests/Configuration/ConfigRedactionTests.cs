using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using AiProxy.Cli;
using AiProxy.Configuration;
using AiProxy.Configuration.Validation;
using AiProxy.Routing;
using AiProxy.Runtime;
using Microsoft.Extensions.Logging.Testing;

namespace AiProxy.Tests.Configuration;

/// <summary>
/// A key pasted into the wrong field must not come back out: for every setting of the options tree (found by
/// reflection, so a new option is covered without editing this test), and for every object and list on the way, a
/// sentinel key is written in several shapes in its place, and the validate output, the start-up error and the
/// hot-reload log are searched for it.
/// </summary>
public sealed class ConfigRedactionTests
{
    private const string Marker = "SENTINEL";
    private const string Sentinel = "sk-SENTINEL-0d5f3a9c7e21b48f";

    /// <summary>A valid config with one entry in every section, list and map, so each setting has a real place.</summary>
    private const string Full = """
        {"AiProxy":{
          "Providers":{
            "p":{"Type":"azure-openai","BaseUrl":"https://r.openai.azure.com","Keys":["k-one"],"ReservedKeys":[{"Key":"k-two","ReservedFor":"critical"}],
                 "CriticalReserve":0.2,"KeyStrategy":"round-robin","Limits":{"RequestsPerMinute":10,"TokensPerMinute":1000},"ApiVersion":"v1",
                 "Deployments":{"gpt-4o":"dep"},"Headers":{"X-Title":"t"},"Timeout":"30s","QuotaCooldown":"1h","Weight":1}},
          "Routes":[{"Name":"r","Models":["*"],"Providers":["p"],"Balance":"fallback","RewriteModel":"m","Default":true,"Cache":{"Mode":"off","Ttl":"5m","Shared":false}}],
          "Clients":{"c":{"Keys":["k-client"],"RateLimit":{"RequestsPerMinute":1,"TokensPerMinute":1,"MaxConcurrent":1,"RequestsPerHour":1,"RequestsPerDay":1},
                          "Budget":{"TokensPerDay":1,"TokensPerMonth":1,"UsdPerDay":1,"UsdPerMonth":1,"ResetTimeZone":"UTC"},"Priority":"normal","AllowedModels":["*"]}},
          "AnonymousRateLimit":{"RequestsPerMinute":1},
          "AnonymousBudget":{"TokensPerDay":1},
          "Cache":{"Mode":"deterministic","Ttl":"1h","MemoryLimitBytes":1000000,"MaxEntryBytes":1000,"CountHitTokens":false,
                   "Semantic":{"Enabled":false,"Threshold":0.9,"Embeddings":{"Provider":"p","Model":"e"},"EmbeddingBudget":"50ms","MaxTurns":3,
                               "MaxEntries":10,"MaxBytes":1000,"Ttl":"1h","Margin":0.02,"Guards":{"Negation":true}}},
          "Redis":{"Configuration":"127.0.0.1:6379","ExpectedReplicas":1,"OperationTimeout":"250ms"},
          "MaxRequestBodyBytes":1000,
          "Metrics":{"Enabled":true,"OnManagementPort":false},
          "Retry":{"MaxAttempts":2,"Deadline":"30s","BaseDelay":"100ms","FirstEventTimeout":"5s"},
          "Prices":{"gpt-*":{"InputPerMillion":1,"OutputPerMillion":1,"CachedInputPerMillion":1}},
          "Overload":{"MaxConcurrent":10,"QueueLimit":1,"QueueTimeout":"2s"},
          "DrainTimeout":"25s",
          "ManagementUrls":"http://127.0.0.1:9090"
        }}
        """;

    /// <summary>
    /// Ways a key ends up in a setting: bare, inside a URL (user info, host, query), beside a valid-looking value, and
    /// in the wrong JSON shape (an object or a list where a value or another shape belongs).
    /// </summary>
    private static readonly Func<JsonNode>[] Forms =
    [
        () => Sentinel,
        () => "https://user:" + Sentinel + "@" + Sentinel + ".example/v1?key=" + Sentinel,
        () => "30s " + Sentinel,
        () => new JsonObject { ["value"] = Sentinel },
        () => new JsonArray(Sentinel),
    ];

    public static TheoryData<string, int> Settings()
    {
        var data = new TheoryData<string, int>();
        var full = JsonNode.Parse(Full)!;
        foreach (var path in Leaves(typeof(AiProxyOptions), ["AiProxy"], full["AiProxy"]))
        {
            for (var form = 0; form < Forms.Length; form++)
            {
                data.Add(string.Join(":", path), form);
            }
        }
        return data;
    }

    [Fact]
    public void Full_IsValid_AndTheWalkFindsEverySection()
    {
        var errors = new ConfigLoader(ConfigTestFiles.Write(Full), []).Load(out _);
        var leaves = Leaves(typeof(AiProxyOptions), ["AiProxy"], JsonNode.Parse(Full)!["AiProxy"]).Select(p => string.Join(":", p)).ToList();

        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.True(leaves.Count >= 110, $"only {leaves.Count} settings found");
        Assert.Contains("AiProxy:Providers", leaves);
        Assert.Contains("AiProxy:Providers:p:Keys", leaves);
        Assert.Contains("AiProxy:Providers:p:BaseUrl", leaves);
        Assert.Contains("AiProxy:Providers:p:Headers:X-Title", leaves);
        Assert.Contains("AiProxy:Routes:0:Providers:0", leaves);
        Assert.Contains("AiProxy:Clients:c:Budget:ResetTimeZone", leaves);
        Assert.Contains("AiProxy:Cache:Semantic:Embeddings", leaves);
        Assert.Contains("AiProxy:Cache:Semantic:Embeddings:Provider", leaves);
        Assert.Contains("AiProxy:Providers:p:ReservedKeys:0:ReservedFor", leaves);
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void SentinelInAnySetting_NeverInValidateOutputStartupErrorOrReloadLog(string setting, int form)
    {
        var root = JsonNode.Parse(Full)!;
        Set(root, setting.Split(':'), Forms[form]());
        var json = root.ToJsonString();
        Assert.Contains(Marker, json, StringComparison.Ordinal);

        // validate, in process: the same code path as the CLI.
        var path = ConfigTestFiles.Write(json);
        var output = new StringWriter();
        var code = ValidateCommand.Run(["--config", path], output);
        AssertNoSentinel("the validate output", output.ToString());

        // Start-up: the exception the host throws and Program prints.
        var errors = new ConfigLoader(path, []).Load(out _);
        AssertNoSentinel("the start-up error", new InvalidConfigException(path, errors).Message);
        Assert.Equal(errors.Count == 0 ? 0 : 1, code);
        if (errors.Count > 0)
        {
            // Clear, not only silent: an error names this setting or the object around it.
            var jsonPath = ConfigPath.ToJsonPath(setting);
            Assert.Contains(errors, e => jsonPath.StartsWith(e.Path, StringComparison.Ordinal) || e.Path.StartsWith(jsonPath, StringComparison.Ordinal));
        }

        // Hot reload: the rejection (or success) log of a store that started with the valid config.
        var reloadLog = ReloadLog(json);
        AssertNoSentinel("the reload log", reloadLog);
        Assert.Contains(errors.Count == 0 ? "[100]" : "[101]", reloadLog, StringComparison.Ordinal);
    }

    [Fact]
    public void SentinelInWrongFields_MessagesStillNamePathAndExpectedForm()
    {
        var root = JsonNode.Parse(Full)!;
        Set(root, ["AiProxy", "Providers", "p", "BaseUrl"], Sentinel);
        Set(root, ["AiProxy", "Providers", "p", "Type"], Sentinel);
        Set(root, ["AiProxy", "Providers", "p", "Timeout"], Sentinel);
        Set(root, ["AiProxy", "Routes", "0", "Providers", "0"], Sentinel);
        Set(root, ["AiProxy", "Clients", "c", "Budget", "ResetTimeZone"], Sentinel);
        Set(root, ["AiProxy", "ManagementUrls"], "http://127.0.0.1:9090;" + Sentinel);

        var errors = new ConfigLoader(ConfigTestFiles.Write(root.ToJsonString()), []).Load(out _).Select(e => e.ToString()).ToList();

        Assert.Contains("$.AiProxy.Providers.p.BaseUrl: BaseUrl must be an absolute http(s) URL (e.g. https://api.openai.com/v1)", errors);
        Assert.Contains("$.AiProxy.Providers.p.Type: unknown provider type; one of: openai, azure-openai, openrouter, ollama, openai-compatible", errors);
        Assert.Contains("$.AiProxy.Providers.p.Timeout: must be a positive duration such as 00:05:00, 300s or 5m", errors);
        Assert.Contains("$.AiProxy.Routes[0].Providers[0]: unknown provider: not a name under AiProxy:Providers; known providers: p", errors);
        Assert.Contains("$.AiProxy.Clients.c.Budget.ResetTimeZone: unknown time zone; use an IANA id such as UTC, Europe/Paris or America/New_York", errors);
        Assert.Contains(errors, e => e.StartsWith("$.AiProxy.ManagementUrls: address 2 of 2 ", StringComparison.Ordinal));
        AssertNoSentinel("the errors", string.Join("\n", errors));
    }

    [Fact]
    public void ValidConfig_KeyInRouteName_ValidateOutputNamesTheRouteByPosition()
    {
        var root = JsonNode.Parse(Full)!;
        Set(root, ["AiProxy", "Routes", "0", "Name"], Sentinel);
        var output = new StringWriter();

        var code = ValidateCommand.Run(["--config", ConfigTestFiles.Write(root.ToJsonString())], output);

        Assert.Equal(0, code);
        Assert.Contains("default route $.AiProxy.Routes[0])", output.ToString(), StringComparison.Ordinal);
        AssertNoSentinel("the validate output", output.ToString());
    }

    private static string ReloadLog(string json)
    {
        var path = ConfigTestFiles.Write(Full);
        var loader = new ConfigLoader(path, []);
        Assert.Empty(loader.Load(out var initial));
        var logger = new FakeLogger<AiProxyConfigStore>();
        using var store = new AiProxyConfigStore(loader, ProviderRuntimeFactory.Offline, initial!, logger);
        File.WriteAllText(path, json);
        store.TryReload();
        var text = new StringBuilder();
        foreach (var record in logger.Collector.GetSnapshot())
        {
            text.Append('[').Append(record.Id.Id).Append("] ").Append(record.Message).Append(' ').Append(record.Exception).Append('\n');
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                text.Append(key).Append('=').Append(value).Append('\n');
            }
        }
        return text.ToString();
    }

    private static void AssertNoSentinel(string where, string text)
    {
        var at = text.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        Assert.True(at < 0, $"the sentinel key leaked into {where}: {text}");
    }

    /// <summary>Every setting of the options tree as a config path, objects and lists included; maps and lists use the entry <see cref="Full"/> has, else a new one.</summary>
    private static IEnumerable<string[]> Leaves(Type type, string[] prefix, JsonNode? node)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.CanWrite))
        {
            var path = (string[])[.. prefix, property.Name];
            foreach (var leaf in Value(property.PropertyType, path, node?[property.Name]))
            {
                yield return leaf;
            }
        }
    }

    private static IEnumerable<string[]> Value(Type type, string[] path, JsonNode? node)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsPrimitive || t == typeof(string) || t == typeof(decimal))
        {
            return [path];
        }
        // The object or list itself is a setting too: a key pasted in its place.
        IEnumerable<string[]> self = [path];
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var key = (node as JsonObject)?.FirstOrDefault().Key ?? "x";
            return self.Concat(Value(t.GetGenericArguments()[1], [.. path, key], node?[key]));
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
        {
            return self.Concat(Value(t.GetGenericArguments()[0], [.. path, "0"], (node as JsonArray)?.FirstOrDefault()));
        }
        if (typeof(IEnumerable).IsAssignableFrom(t))
        {
            throw new NotSupportedException($"{string.Join(":", path)}: teach this walk the collection type {t}");
        }
        // An object type the binder also reads from a string (Embeddings: "local") gets its string forms through self.
        return self.Concat(Leaves(t, path, node));
    }

    /// <summary>Sets a value at a config path, creating the objects and arrays on the way (a value in place of one replaces it).</summary>
    private static void Set(JsonNode root, string[] path, JsonNode value)
    {
        var node = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            node = Child(node, path[i], createArray: int.TryParse(path[i + 1], out _));
        }
        var last = path[^1];
        if (node is JsonArray array)
        {
            var index = int.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
            while (array.Count <= index)
            {
                array.Add(null);
            }
            array[index] = value;
        }
        else
        {
            node[last] = value;
        }
    }

    private static JsonNode Child(JsonNode node, string name, bool createArray)
    {
        if (node is JsonArray array)
        {
            var index = int.Parse(name, System.Globalization.CultureInfo.InvariantCulture);
            while (array.Count <= index)
            {
                array.Add(null);
            }
            return array[index] is JsonObject or JsonArray ? array[index]! : (array[index] = createArray ? new JsonArray() : new JsonObject())!;
        }
        var existing = node[name];
        if (existing is JsonObject or JsonArray)
        {
            return existing;
        }
        JsonNode created = createArray ? new JsonArray() : new JsonObject();
        node[name] = created;
        return created;
    }
}

using AiProxy.Testing;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiProxy.Tests.Metrics;

public sealed partial class MetricCatalogTests
{
    [Fact]
    public void Scrape_ProxyAndRateLimitInstruments_ExportExactlyTheCurrentCatalog()
    {
        using var h = new ExporterHarness();
        FullScrape.RecordEverything(h.Factory, includePending: false);

        Assert.Equal(MetricCatalog.Current.Order(StringComparer.Ordinal), ExportedNames(h.Scrape()));
    }

    [Fact]
    public void Scrape_WithAnnouncedInstruments_ExportsExactlyTheFullCatalog()
    {
        using var h = new ExporterHarness();
        FullScrape.RecordEverything(h.Factory, includePending: true);

        Assert.Equal(MetricCatalog.All.Order(StringComparer.Ordinal), ExportedNames(h.Scrape()));
    }

    [Fact]
    public void Dashboard_EveryQuery_UsesOnlyCatalogMetrics()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoFile("k8s/grafana/aiproxy-dashboard.json")));
        var queries = new List<string>();
        CollectQueries(doc.RootElement, queries);
        Assert.True(queries.Count >= 15, $"expected the dashboard's panel queries, found {queries.Count}");

        var used = queries.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(used.Except(MetricCatalog.All));
        // Every catalog metric deserves a place on the dashboard.
        Assert.Empty(MetricCatalog.All.Except(used));
    }

    [Fact]
    public void Dashboard_EveryPanelQuery_ParsesAsPromQL()
    {
        // promtool has no offline expression checker; a rule file of recording rules makes `check rules` parse each query.
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoFile("k8s/grafana/aiproxy-dashboard.json")));
        var exprs = new List<string>();
        foreach (var panel in doc.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            exprs.AddRange(targets.EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
        }
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (var i = 0; i < exprs.Count; i++)
        {
            var expr = exprs[i].Replace("$__rate_interval", "5m", StringComparison.Ordinal)
                .Replace("$route", ".*", StringComparison.Ordinal).Replace("$provider", ".*", StringComparison.Ordinal)
                .Replace("$model", ".*", StringComparison.Ordinal).Replace("$client", ".*", StringComparison.Ordinal);
            Assert.DoesNotContain("$", expr, StringComparison.Ordinal);
            rules.Append("      - record: dashboard:query").Append(i).Append('\n')
                 .Append("        expr: ").Append(JsonSerializer.Serialize(expr)).Append('\n');
        }
        var file = Path.Combine(Path.GetTempPath(), $"aiproxy-dashboard-{Guid.NewGuid():N}.rules.yaml");
        File.WriteAllText(file, rules.ToString());
        try
        {
            var (exitCode, output) = Promtool.Run(null, "check", "rules", file);
            Assert.True(exitCode == 0, output + "\n" + rules);
            Assert.Contains($"SUCCESS: {exprs.Count} rules found", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Dashboard_Structure_HasDatasourceAndFilterVariables()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoFile("k8s/grafana/aiproxy-dashboard.json")));
        var root = doc.RootElement;
        Assert.True(root.GetProperty("schemaVersion").GetInt32() >= 36);
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["datasource", "route", "provider", "model", "client"], variables);

        var ids = new HashSet<int>();
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            Assert.True(ids.Add(panel.GetProperty("id").GetInt32()), "panel ids must be unique");
            if (panel.GetProperty("type").GetString() == "row") continue;
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                Assert.Equal("${datasource}", target.GetProperty("datasource").GetProperty("uid").GetString());
            }
        }
    }

    [Fact]
    public void Rules_EveryExpression_UsesOnlyCatalogMetrics()
    {
        var used = MetricNames(File.ReadAllText(RepoFile("k8s/prometheus/aiproxy-rules.yaml"))).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(used);
        Assert.Empty(used.Except(MetricCatalog.All));
    }

    [Fact]
    public void Rules_PromtoolCheckRules_Succeeds()
    {
        var (exitCode, output) = Promtool.Run(null, "check", "rules", RepoFile("k8s/prometheus/aiproxy-rules.yaml"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_PromtoolTestRules_AlertsFireAsSpecified()
    {
        var (exitCode, output) = Promtool.Run(null, "test", "rules", RepoFile("k8s/prometheus/aiproxy-rules.test.yaml"));

        Assert.True(exitCode == 0, output);
    }

    internal static IEnumerable<string> MetricNames(string query) =>
        // [a-z0-9_]: "aiproxy_cache_l2_errors_total" has a digit.
        MetricNameRegex().Matches(query).Select(m => HistogramSuffixRegex().Replace(m.Value, ""));

    internal static string[] ExportedNames(string scrape) =>
        [.. scrape.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).Order(StringComparer.Ordinal)];

    internal static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AiProxy.sln")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }
        throw new InvalidOperationException("AiProxy.sln not found above " + AppContext.BaseDirectory);
    }

    private static void CollectQueries(JsonElement element, List<string> queries)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "expr" or "query" or "definition" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        queries.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        CollectQueries(property.Value, queries);
                    }
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) CollectQueries(item, queries);
                break;
        }
    }

    [GeneratedRegex("aiproxy_[a-z0-9_]+")]
    private static partial Regex MetricNameRegex();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffixRegex();
}

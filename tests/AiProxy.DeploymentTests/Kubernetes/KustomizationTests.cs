using k8s;
using k8s.Models;

namespace AiProxy.DeploymentTests.Kubernetes;

public sealed class KustomizationTests
{
    public static TheoryData<string> Kustomizations()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Kustomize.Directories())
        {
            data.Add(dir);
        }
        return data;
    }

    [Fact]
    public void Directories_RepositoryLayout_ListsEveryOverlayAndComponent()
    {
        var dirs = Kustomize.Directories().ToList();

        Assert.Equal(
            ["k8s/base", "k8s/grafana", "k8s/overlays/gateway", "k8s/overlays/sidecar", "k8s/prometheus", "k8s/redis"],
            dirs);
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Render_EveryKustomization_ParsesStrictlyIntoTypedModels(string directory)
    {
        var objects = RenderedManifests.Render(directory);

        Assert.NotEmpty(objects);
        Assert.All(objects, o =>
        {
            Assert.False(string.IsNullOrEmpty(o.ApiVersion));
            Assert.False(string.IsNullOrEmpty(o.Kind));
            // Typed, not a fallback: each object deserialised into its own model class.
            Assert.EndsWith(o.Kind, o.GetType().Name, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true")]
    [InlineData("terminationGracePeriodSeconds: 30", "terminationGracePeriodSecond: 30")]
    [InlineData("path: /readyz", "pathh: /readyz")]
    [InlineData("podMetricsEndpoints:", "podMetricEndpoints:")]
    public void Parse_MisspelledField_Throws(string field, string misspelled)
    {
        var rendered = Kustomize.Render("k8s/overlays/sidecar");
        Assert.Contains(field, rendered, StringComparison.Ordinal);
        RenderedManifests.Parse(rendered); // the original is valid

        var broken = rendered.Replace(field, misspelled, StringComparison.Ordinal);

        var error = Assert.ThrowsAny<Exception>(() => RenderedManifests.Parse(broken));
        Assert.Contains(misspelled.Split(':')[0], error.Message + error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownKind_Throws()
    {
        const string yaml = """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w
            """;

        Assert.ThrowsAny<Exception>(() => RenderedManifests.Parse(yaml));
    }

    [Theory]
    [InlineData("k8s/overlays/sidecar")]
    [InlineData("k8s/overlays/gateway")]
    public void Render_Overlay_IncludesRedisMonitoringRulesAndDashboard(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);

        objects.Single<V1StatefulSet>("aiproxy-redis");
        objects.Single<V1Service>("aiproxy-redis");
        objects.Single<V1ServiceMonitor>("aiproxy");
        objects.Single<V1PodMonitor>("aiproxy-sidecars");
        var rules = objects.Single<V1ConfigMap>("aiproxy-prometheus-rules");
        Assert.Equal(File.ReadAllText(RepoPaths.File("k8s/prometheus/aiproxy-rules.yaml")), rules.Data["aiproxy-rules.yaml"]);
        var dashboard = objects.Single<V1ConfigMap>("aiproxy-grafana-dashboard");
        Assert.Equal("1", dashboard.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal(File.ReadAllText(RepoPaths.File("k8s/grafana/aiproxy-dashboard.json")), dashboard.Data["aiproxy-dashboard.json"]);
    }

    [Theory]
    [InlineData("k8s/overlays/sidecar")]
    [InlineData("k8s/overlays/gateway")]
    public void Render_Overlay_ProxyConfigPointsAtTheRedisService(string overlay)
    {
        var objects = RenderedManifests.Render(overlay);

        var config = objects.Single<V1ConfigMap>("aiproxy-config");
        using var json = System.Text.Json.JsonDocument.Parse(config.Data["aiproxy.json"]);
        var redis = json.RootElement.GetProperty("AiProxy").GetProperty("Redis").GetProperty("Configuration").GetString()!;
        var service = objects.Single<V1Service>("aiproxy-redis");
        var port = Assert.Single(service.Spec.Ports).Port;
        Assert.StartsWith($"{service.Metadata.Name}:{port}", redis, StringComparison.Ordinal);
        Assert.Contains("abortConnect=false", redis, StringComparison.Ordinal);
    }
}

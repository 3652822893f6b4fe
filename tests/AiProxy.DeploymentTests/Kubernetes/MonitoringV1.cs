using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace AiProxy.DeploymentTests.Kubernetes;

// The Prometheus Operator's CRDs are not among KubernetesClient's models: these are the subset of the
// monitoring.coreos.com/v1 fields our manifests may use, so a misspelled field fails here too.

/// <summary>monitoring.coreos.com/v1 ServiceMonitor (subset).</summary>
public sealed class V1ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public ServiceMonitorSpec Spec { get; set; } = new();
}

/// <summary>monitoring.coreos.com/v1 PodMonitor (subset).</summary>
public sealed class V1PodMonitor : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public PodMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    [JsonPropertyName("selector")] public V1LabelSelector Selector { get; set; } = new();
    [JsonPropertyName("namespaceSelector")] public NamespaceSelector? NamespaceSelector { get; set; }
    [JsonPropertyName("endpoints")] public List<ScrapeEndpoint> Endpoints { get; set; } = [];
}

public sealed class PodMonitorSpec
{
    [JsonPropertyName("selector")] public V1LabelSelector Selector { get; set; } = new();
    [JsonPropertyName("namespaceSelector")] public NamespaceSelector? NamespaceSelector { get; set; }
    [JsonPropertyName("podMetricsEndpoints")] public List<ScrapeEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class NamespaceSelector
{
    [JsonPropertyName("any")] public bool? Any { get; set; }
    [JsonPropertyName("matchNames")] public List<string>? MatchNames { get; set; }
}

public sealed class ScrapeEndpoint
{
    [JsonPropertyName("port")] public string? Port { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("interval")] public string? Interval { get; set; }
    [JsonPropertyName("scrapeTimeout")] public string? ScrapeTimeout { get; set; }
    [JsonPropertyName("honorLabels")] public bool? HonorLabels { get; set; }
    [JsonPropertyName("scheme")] public string? Scheme { get; set; }
}

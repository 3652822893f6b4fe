using k8s;
using k8s.Models;

namespace AiProxy.DeploymentTests.Kubernetes;

/// <summary>Rendered kustomize output parsed strictly into KubernetesClient's typed models.</summary>
internal static class RenderedManifests
{
    private static readonly Dictionary<string, Type> CustomResources = new(StringComparer.Ordinal)
    {
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(V1ServiceMonitor),
        ["monitoring.coreos.com/v1/PodMonitor"] = typeof(V1PodMonitor),
    };

    /// <summary>Parses every document; an unknown field or an unknown apiVersion/kind throws.</summary>
    public static List<IKubernetesObject> Parse(string yaml)
    {
        // strict: true turns YamlDotNet's "ignore unmatched properties" off, so a misspelled field is an error.
        return KubernetesYaml.LoadAllFromString(yaml, CustomResources, strict: true)
            .Select(o => o as IKubernetesObject ?? throw new InvalidOperationException($"not a Kubernetes object: {o?.GetType()}"))
            .ToList();
    }

    public static IReadOnlyList<IKubernetesObject> Render(string relativeDirectory) => Parse(Kustomize.Render(relativeDirectory));

    public static T Single<T>(this IEnumerable<IKubernetesObject> objects, string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(objects.OfType<T>(), o => o.Metadata.Name == name);
}

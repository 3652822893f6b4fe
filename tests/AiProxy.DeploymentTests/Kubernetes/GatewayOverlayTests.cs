using k8s.Models;

namespace AiProxy.DeploymentTests.Kubernetes;

public sealed class GatewayOverlayTests
{
    private static readonly Lazy<IReadOnlyList<k8s.IKubernetesObject>> Objects = new(() => RenderedManifests.Render("k8s/overlays/gateway"));

    private static V1Deployment Deployment => Objects.Value.Single<V1Deployment>("aiproxy");

    private static IDictionary<string, string> PodLabels => Deployment.Spec.Template.Metadata.Labels;

    [Fact]
    public void Render_Gateway_ProxyIsHardenedWithProbesAndDrain()
    {
        var pod = Deployment.Spec.Template.Spec;
        var proxy = ProxyContainerAssert.Hardened(pod, "aiproxy");

        ProxyContainerAssert.ProbesAndDrain(pod, proxy);
        Assert.Contains(pod.Volumes, v => v.Secret?.SecretName == "aiproxy-keys");
        Assert.Contains(pod.Volumes, v => v.Secret?.SecretName == "aiproxy-client-keys");
    }

    [Fact]
    public void Render_Gateway_ServiceHpaAndPdbTargetTheDeployment()
    {
        var service = Objects.Value.Single<V1Service>("aiproxy");
        Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, PodLabels[l.Key]));
        Assert.Equal("http", Assert.Single(service.Spec.Ports).Name);

        var hpa = Objects.Value.Single<V2HorizontalPodAutoscaler>("aiproxy");
        Assert.Equal(("Deployment", "aiproxy"), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.True(hpa.Spec.MinReplicas >= 2);

        var pdb = Objects.Value.Single<V1PodDisruptionBudget>("aiproxy");
        Assert.All(pdb.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, PodLabels[l.Key]));
        Assert.True(int.Parse(pdb.Spec.MinAvailable.Value, System.Globalization.CultureInfo.InvariantCulture) < hpa.Spec.MinReplicas);
    }

    [Fact]
    public void Render_Gateway_NetworkPolicyAdmitsOnlyLabelledClientsAndPrometheus()
    {
        var policy = Objects.Value.Single<V1NetworkPolicy>("aiproxy");

        Assert.All(policy.Spec.PodSelector.MatchLabels, l => Assert.Equal(l.Value, PodLabels[l.Key]));
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        var peers = policy.Spec.Ingress.SelectMany(rule => rule.FromProperty).ToList();
        Assert.All(peers, peer => Assert.NotEmpty(peer.PodSelector.MatchLabels));
        Assert.Contains(peers, peer => peer.PodSelector.MatchLabels.TryGetValue("aiproxy.dev/client", out var v) && v == "true");
        Assert.Null(peers.FirstOrDefault(peer => peer.IpBlock is not null));
    }

    [Fact]
    public void Render_Gateway_RedisAdmitsOnlyTheProxyPods()
    {
        var policy = Objects.Value.Single<V1NetworkPolicy>("aiproxy-redis");
        var redisLabels = Objects.Value.Single<V1StatefulSet>("aiproxy-redis").Spec.Template.Metadata.Labels;

        Assert.All(policy.Spec.PodSelector.MatchLabels, l => Assert.Equal(l.Value, redisLabels[l.Key]));
        var peer = Assert.Single(Assert.Single(policy.Spec.Ingress).FromProperty);
        Assert.All(peer.PodSelector.MatchLabels, l => Assert.Equal(l.Value, PodLabels[l.Key]));
        Assert.Null(peer.NamespaceSelector);
    }

    [Fact]
    public void Render_Gateway_ServiceMonitorSelectsTheServicePort()
    {
        var monitor = Objects.Value.Single<V1ServiceMonitor>("aiproxy");
        var service = Objects.Value.Single<V1Service>("aiproxy");

        Assert.All(monitor.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, service.Metadata.Labels[l.Key]));
        Assert.Contains(service.Spec.Ports, p => p.Name == Assert.Single(monitor.Spec.Endpoints).Port);
    }

    [Fact]
    public void Render_Gateway_ClientKeysAreFilesOfTheClientSecret()
    {
        var secret = Objects.Value.Single<V1Secret>("aiproxy-client-keys");
        var config = Objects.Value.Single<V1ConfigMap>("aiproxy-config").Data["aiproxy.json"];

        Assert.Contains("\"Clients\"", config, StringComparison.Ordinal);
        foreach (var key in secret.StringData.Keys)
        {
            Assert.Contains($"\"file:/var/run/secrets/aiproxy-clients/{key}\"", config, StringComparison.Ordinal);
        }
    }
}

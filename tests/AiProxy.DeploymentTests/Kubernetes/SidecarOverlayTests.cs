using k8s.Models;

namespace AiProxy.DeploymentTests.Kubernetes;

public sealed class SidecarOverlayTests
{
    private static readonly Lazy<IReadOnlyList<k8s.IKubernetesObject>> Objects = new(() => RenderedManifests.Render("k8s/overlays/sidecar"));

    private static V1PodSpec Pod => Objects.Value.Single<V1Deployment>("my-app").Spec.Template.Spec;

    [Fact]
    public void Render_Sidecar_PodHasAppAndProxyContainers()
    {
        Assert.Equal(["app", "aiproxy"], Pod.Containers.Select(c => c.Name));
        var app = Pod.Containers[0];
        Assert.Equal("http://localhost:8080/v1", ProxyContainerAssert.Env(app, "OPENAI_BASE_URL"));
        Assert.Equal("registry.example.com/aiproxy:1.0.0", Pod.Containers[1].Image);
    }

    [Fact]
    public void Render_Sidecar_SecretMountedAsFilesNamedByTheConfig()
    {
        var proxy = Pod.Containers.Single(c => c.Name == "aiproxy");
        var volume = Assert.Single(Pod.Volumes, v => v.Secret is not null);
        Assert.Equal("aiproxy-keys", volume.Secret.SecretName);
        var mount = Assert.Single(proxy.VolumeMounts, m => m.Name == volume.Name);
        // Mounted as a folder (no subPath): the kubelet updates the files on rotation, and the proxy watches them.
        Assert.Null(mount.SubPath);
        Assert.True(mount.ReadOnlyProperty);
        Assert.DoesNotContain(proxy.Env, e => e.ValueFrom?.SecretKeyRef is not null);

        var secret = Objects.Value.Single<V1Secret>("aiproxy-keys");
        var config = Objects.Value.Single<V1ConfigMap>("aiproxy-config").Data["aiproxy.json"];
        foreach (var key in secret.StringData.Keys)
        {
            Assert.Contains($"\"file:{mount.MountPath}/{key}\"", config, StringComparison.Ordinal);
        }
        Assert.All(secret.StringData.Values, v => Assert.StartsWith("replace-me", v, StringComparison.Ordinal));
    }

    [Fact]
    public void Render_Sidecar_ProbesOnHealthAndReadinessPaths()
    {
        var proxy = Pod.Containers.Single(c => c.Name == "aiproxy");

        ProxyContainerAssert.ProbesAndDrain(Pod, proxy);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("aiproxy")]
    public void Render_Sidecar_ContainersAreHardened(string container)
    {
        ProxyContainerAssert.Hardened(Pod, container);
    }

    [Fact]
    public void Render_Sidecar_PodMonitorSelectsThePodAndItsProxyPort()
    {
        var monitor = Objects.Value.Single<V1PodMonitor>("aiproxy-sidecars");
        var labels = Objects.Value.Single<V1Deployment>("my-app").Spec.Template.Metadata.Labels;

        Assert.All(monitor.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
        var endpoint = Assert.Single(monitor.Spec.PodMetricsEndpoints);
        Assert.Equal("/metrics", endpoint.Path);
        Assert.Contains(Pod.Containers.Single(c => c.Name == "aiproxy").Ports, p => p.Name == endpoint.Port);
    }
}

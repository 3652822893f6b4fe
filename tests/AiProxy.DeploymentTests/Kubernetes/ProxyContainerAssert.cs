using k8s.Models;

namespace AiProxy.DeploymentTests.Kubernetes;

/// <summary>What every aiproxy container must look like, in every variant.</summary>
internal static class ProxyContainerAssert
{
    public static V1Container Hardened(V1PodSpec pod, string containerName)
    {
        var container = Assert.Single(pod.Containers, c => c.Name == containerName);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(pod.AutomountServiceAccountToken);

        var security = container.SecurityContext;
        Assert.NotNull(security);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.True(security.Privileged is null or false);
        Assert.Equal("RuntimeDefault", (security.SeccompProfile ?? pod.SecurityContext.SeccompProfile).Type);
        Assert.NotEqual(0, security.RunAsUser ?? pod.SecurityContext.RunAsUser);
        return container;
    }

    public static void ProbesAndDrain(V1PodSpec pod, V1Container proxy)
    {
        var port = Assert.Single(proxy.Ports);
        Assert.Equal(8080, port.ContainerPort);
        Assert.Equal("/healthz", proxy.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", proxy.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/healthz", proxy.StartupProbe.HttpGet.Path);
        foreach (var probe in new[] { proxy.LivenessProbe, proxy.ReadinessProbe, proxy.StartupProbe })
        {
            Assert.Equal(port.Name, probe.HttpGet.Port.Value);
        }

        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        var preStop = proxy.Lifecycle.PreStop.Sleep.Seconds;
        var drainText = Env(proxy, "AiProxy__DrainTimeout");
        Assert.EndsWith("s", drainText, StringComparison.Ordinal);
        var drain = long.Parse(drainText[..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(preStop + drain < pod.TerminationGracePeriodSeconds, "preStop + drain must end before SIGKILL");

        Assert.Equal("/etc/aiproxy/aiproxy.json", Env(proxy, "AIPROXY_CONFIG"));
        var configMount = Assert.Single(proxy.VolumeMounts, m => m.MountPath == "/etc/aiproxy");
        Assert.Equal("aiproxy-config", Assert.Single(pod.Volumes, v => v.Name == configMount.Name).ConfigMap.Name);

        var tmp = Assert.Single(proxy.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);
        Assert.All(proxy.VolumeMounts.Where(m => m.MountPath != "/tmp"), m => Assert.True(m.ReadOnlyProperty));

        Assert.True(proxy.Resources.Requests.ContainsKey("cpu"));
        Assert.True(proxy.Resources.Requests.ContainsKey("memory"));
        Assert.True(proxy.Resources.Limits.ContainsKey("memory"));
    }

    public static string Env(V1Container container, string name) => Assert.Single(container.Env, e => e.Name == name).Value;
}

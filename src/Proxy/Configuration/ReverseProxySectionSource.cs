using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration;

/// <summary>
/// The raw <c>ReverseProxy</c> section as an <see cref="IConfiguration"/> for YARP's own loader, updated only with
/// validated snapshots (a broken edit never reaches YARP).
/// </summary>
internal sealed class ReverseProxySectionSource : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Update(IReadOnlyDictionary<string, string?> data)
    {
        var copy = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in data)
        {
            copy[k] = v;
        }
        Data = copy;
        OnReload();
    }
}

using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration;

/// <summary>A config file read and validated, not yet compiled: the options plus the raw tree (for YARP's own section and provider signatures).</summary>
internal sealed record LoadedConfig(AiProxyOptions Options, IConfigurationRoot Root)
{
    /// <summary>Flattens the raw <c>ReverseProxy</c> section, handed as is to YARP's own config loader.</summary>
    public Dictionary<string, string?> ReverseProxyData()
    {
        var raw = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Root.GetSection("ReverseProxy").AsEnumerable())
        {
            raw[key] = value;
        }
        return raw;
    }
}

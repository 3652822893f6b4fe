using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration.Validation;

/// <summary>Checks the optional raw YARP <c>ReverseProxy</c> section for what this build cannot run.</summary>
internal static class ReverseProxyValidator
{
    public static void Validate(IConfiguration configuration, List<ConfigError> errors)
    {
        foreach (var cluster in configuration.GetSection("ReverseProxy:Clusters").GetChildren())
        {
            var policy = cluster["SessionAffinity:Policy"];
            if (string.Equals(policy, "HashCookie", StringComparison.OrdinalIgnoreCase))
            {
                // The HashCookie policy needs System.IO.Hashing, which this build does not ship.
                errors.Add(new(ConfigPath.ToJsonPath(cluster.Path + ":SessionAffinity:Policy"),
                    "session affinity policy 'HashCookie' is not supported; use 'Cookie' or 'CustomHeader'"));
            }
        }
    }
}

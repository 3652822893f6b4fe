using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace AiProxy.Configuration.Validation;

/// <summary>
/// Checks the raw YARP <c>ReverseProxy</c> section with YARP's own reader and validator, so that <c>validate</c>, the
/// start-up check and a hot reload reject what YARP would reject (before, such a file validated and then stopped the
/// process at start-up with YARP's exception). YARP's messages quote the values they refused, and a value may be a key
/// (a header transform that sets <c>Authorization</c>, say): every string value of the section is cut out of them
/// (see <see cref="ConfigMessages"/>).
/// </summary>
internal static class RawReverseProxyValidator
{
    /// <summary>Values shorter than this are left in messages: they are words like <c>true</c>, and no key is that short.</summary>
    private const int ShortestHiddenValue = 6;

    public static void Validate(IConfiguration configuration, List<ConfigError> errors)
    {
        var section = configuration.GetSection("ReverseProxy");
        if (!section.Exists())
        {
            return;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReverseProxy().LoadFromConfig(section);
        using var provider = services.BuildServiceProvider();
        IProxyConfig config;
        try
        {
            config = provider.GetRequiredService<IProxyConfigProvider>().GetConfig();
        }
        catch (Exception ex)
        {
            errors.Add(new("$.ReverseProxy", "YARP cannot read this section: " + Hide(Innermost(ex).Message, section)));
            return;
        }

        var validator = provider.GetRequiredService<IConfigValidator>();
        foreach (var route in config.Routes)
        {
            // Config load is not a request path; YARP's checks complete synchronously unless a policy provider awaits.
            foreach (var problem in validator.ValidateRouteAsync(route).AsTask().GetAwaiter().GetResult())
            {
                errors.Add(new($"$.ReverseProxy.Routes.{route.RouteId}", Hide(problem.Message, section)));
            }
        }
        foreach (var cluster in config.Clusters)
        {
            foreach (var problem in validator.ValidateClusterAsync(cluster).AsTask().GetAwaiter().GetResult())
            {
                errors.Add(new($"$.ReverseProxy.Clusters.{cluster.ClusterId}", Hide(problem.Message, section)));
            }
        }
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;

    /// <summary>YARP's message with every string value of the section replaced by an ellipsis, longest first.</summary>
    internal static string Hide(string message, IConfigurationSection section)
    {
        var values = new List<string>();
        foreach (var (_, value) in section.AsEnumerable())
        {
            if (value is { Length: >= ShortestHiddenValue })
            {
                values.Add(value);
            }
        }
        values.Sort(static (a, b) => b.Length.CompareTo(a.Length));
        foreach (var value in values)
        {
            message = message.Replace(value, "…", StringComparison.Ordinal);
        }
        return message;
    }
}

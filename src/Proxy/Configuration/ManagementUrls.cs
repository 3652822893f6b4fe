using AiProxy.Configuration.Validation;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Configuration;

/// <summary>Parses <c>AiProxy:ManagementUrls</c>: http addresses with an explicit port, separated by <c>;</c>.</summary>
internal static class ManagementUrls
{
    /// <summary>Returns the URLs, or an error naming the first bad one by position (never by text, see <see cref="ConfigMessages"/>).</summary>
    public static IReadOnlyList<BindingAddress> Parse(string? value, out string? error)
    {
        error = null;
        var urls = (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = new List<BindingAddress>(urls.Length);
        for (var i = 0; i < urls.Length; i++)
        {
            var url = urls[i];
            var which = ConfigMessages.Address(i, urls.Length);
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                error = $"{which} is not a URL (use e.g. http://0.0.0.0:9090)";
                return [];
            }
            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase) || address.IsUnixPipe)
            {
                error = $"{which} must be an http:// address (the management listener has no certificate of its own)";
                return [];
            }
            if (address.Port is <= 0 or > 65535 || !url.Contains(":" + address.Port, StringComparison.Ordinal))
            {
                error = $"{which} needs an explicit port from 1 to 65535 (it tells management requests from the main port's)";
                return [];
            }
            result.Add(address);
        }
        return result;
    }
}

using Microsoft.AspNetCore.Http;

namespace AiProxy.Configuration;

/// <summary>Parses <c>AiProxy:ManagementUrls</c>: http addresses with an explicit port, separated by <c>;</c>.</summary>
internal static class ManagementUrls
{
    /// <summary>Returns the URLs, or an error naming the first bad one.</summary>
    public static IReadOnlyList<BindingAddress> Parse(string? value, out string? error)
    {
        error = null;
        var result = new List<BindingAddress>();
        foreach (var url in (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                error = $"'{url}' is not a URL (use e.g. http://0.0.0.0:9090)";
                return [];
            }
            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase) || address.IsUnixPipe)
            {
                error = $"'{url}' must be an http:// address (the management listener has no certificate of its own)";
                return [];
            }
            if (address.Port is <= 0 or > 65535 || !url.Contains(":" + address.Port, StringComparison.Ordinal))
            {
                error = $"'{url}' needs an explicit port from 1 to 65535 (it tells management requests from the main port's)";
                return [];
            }
            result.Add(address);
        }
        return result;
    }
}

using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Providers</c>.</summary>
internal sealed class ProviderValidator : IConfigSectionValidator
{
    private const string Root = "$.AiProxy.Providers";
    private static readonly string[] ReservedHeaders = ["authorization", "api-key", "host", "content-length", "transfer-encoding"];

    public void Validate(ConfigValidationContext context)
    {
        if (context.Options.Providers.Count == 0)
        {
            context.Add(Root, "at least one provider is required");
            return;
        }

        foreach (var (name, provider) in context.Options.Providers)
        {
            var path = ConfigPath.Child(Root, name);
            if (provider is null)
            {
                context.Add(path, "provider must be an object");
                continue;
            }
            Validate(context, name, provider, path);
        }
    }

    private static void Validate(ConfigValidationContext context, string name, ProviderOptions provider, string path)
    {
        var types = ProviderKindNames.Table;
        ProviderKind? kind = types.TryParse(provider.Type, out var parsed) ? parsed : null;
        if (provider.Type is null)
        {
            context.Add(path + ".Type", $"Type is required; one of: {types.OneOf}");
        }
        else if (kind is null)
        {
            context.Add(path + ".Type", ConfigMessages.UnknownName("provider type", types));
        }

        BaseUrl(context, provider.BaseUrl, path + ".BaseUrl");

        context.KeyList(provider.Keys, context.SectionExists($"AiProxy:Providers:{name}:Keys"), path + ".Keys");
        if (provider.Keys is null && kind is ProviderKind.OpenAI or ProviderKind.AzureOpenAI or ProviderKind.OpenRouter)
        {
            context.Add(path + ".Keys", $"Keys is required for type '{types.NameOf(parsed)}' (e.g. [\"env:OPENAI_API_KEY\"])");
        }
        context.OneOf(KeyStrategyNames.Table, provider.KeyStrategy, path + ".KeyStrategy", "key strategy");

        if (provider.Limits is { } limits)
        {
            context.Positive(limits.RequestsPerMinute, path + ".Limits.RequestsPerMinute");
            context.Positive(limits.TokensPerMinute, path + ".Limits.TokensPerMinute");
        }
        if (provider.Timeout is not null && (!Duration.TryParse(provider.Timeout, out var timeout) || timeout <= TimeSpan.Zero))
        {
            context.Add(path + ".Timeout", ConfigMessages.PositiveDuration("00:05:00, 300s or 5m"));
        }
        if (provider.QuotaCooldown is not null && (!Duration.TryParse(provider.QuotaCooldown, out var quota) || quota <= TimeSpan.Zero))
        {
            context.Add(path + ".QuotaCooldown", ConfigMessages.PositiveDuration("01:00:00, 30m or 1h"));
        }
        context.Positive(provider.Weight, path + ".Weight");

        if (provider.ApiVersion is not null && kind is not null and not ProviderKind.AzureOpenAI)
        {
            context.Add(path + ".ApiVersion", "ApiVersion applies only to type 'azure-openai'");
        }
        if (provider.Deployments is not null && kind is not null and not ProviderKind.AzureOpenAI)
        {
            context.Add(path + ".Deployments", "Deployments applies only to type 'azure-openai'");
        }
        foreach (var header in provider.Headers?.Keys ?? Enumerable.Empty<string>())
        {
            if (Array.IndexOf(ReservedHeaders, header.ToLowerInvariant()) >= 0)
            {
                context.Add(path + ".Headers." + header, "this header is managed by the proxy and cannot be set here");
            }
        }
    }

    private static void BaseUrl(ConfigValidationContext context, string? baseUrl, string path)
    {
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            context.Add(path, "BaseUrl is required (e.g. https://api.openai.com/v1)");
        }
        else if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            context.Add(path, "BaseUrl must be an absolute http(s) URL (e.g. https://api.openai.com/v1)");
        }
        else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            context.Add(path, "BaseUrl must not have credentials, a query or a fragment (keys go in Keys)");
        }
    }
}

namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:ManagementUrls</c> and <c>AiProxy:Metrics:OnManagementPort</c>.</summary>
internal sealed class ManagementValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        var options = context.Options;
        if (options.ManagementUrls is { } urls)
        {
            var parsed = ManagementUrls.Parse(urls, out var error);
            if (error is not null)
            {
                context.Add("$.AiProxy.ManagementUrls", error);
            }
            else if (parsed.Count == 0)
            {
                context.Add("$.AiProxy.ManagementUrls", "ManagementUrls is empty; remove it or give an address such as http://0.0.0.0:9090");
            }
        }
        if (options.Metrics?.OnManagementPort == true && string.IsNullOrWhiteSpace(options.ManagementUrls))
        {
            context.Add("$.AiProxy.Metrics.OnManagementPort", "OnManagementPort needs AiProxy:ManagementUrls (the port /metrics moves to)");
        }
    }
}

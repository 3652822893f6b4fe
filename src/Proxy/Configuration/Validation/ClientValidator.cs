namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Clients</c> and <c>AiProxy:AnonymousRateLimit</c>.</summary>
internal sealed class ClientValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        if (context.Options.AnonymousRateLimit is { } anon)
        {
            Limits(context, anon, "$.AiProxy.AnonymousRateLimit");
        }
        foreach (var (name, client) in context.Options.Clients ?? [])
        {
            var path = "$.AiProxy.Clients." + name;
            if (client is null)
            {
                context.Add(path, "client must be an object");
                continue;
            }
            var keysPresent = context.SectionExists($"AiProxy:Clients:{name}:Keys");
            if (client.Keys is null && !keysPresent)
            {
                context.Add(path + ".Keys", "Keys is required: the keys this client sends as its API key");
            }
            context.KeyList(client.Keys, keysPresent, path + ".Keys");
            if (client.RateLimit is { } limits)
            {
                Limits(context, limits, path + ".RateLimit");
            }
            context.ModelPatterns(client.AllowedModels, path + ".AllowedModels");
        }
    }

    private static void Limits(ConfigValidationContext context, ClientRateLimitOptions limits, string path)
    {
        context.Positive(limits.RequestsPerMinute, path + ".RequestsPerMinute");
        context.Positive(limits.TokensPerMinute, path + ".TokensPerMinute");
        context.Positive(limits.MaxConcurrent, path + ".MaxConcurrent");
        context.Positive(limits.RequestsPerHour, path + ".RequestsPerHour");
        context.Positive(limits.RequestsPerDay, path + ".RequestsPerDay");
    }
}

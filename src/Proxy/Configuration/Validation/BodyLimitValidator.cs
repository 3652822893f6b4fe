namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:MaxRequestBodyBytes</c>.</summary>
internal sealed class BodyLimitValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
        => context.Positive(context.Options.MaxRequestBodyBytes, "$.AiProxy.MaxRequestBodyBytes");
}

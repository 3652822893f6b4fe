namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Retry</c>.</summary>
internal sealed class RetryValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        if (context.Options.Retry is not { } retry)
        {
            return;
        }
        context.Positive(retry.MaxAttempts, "$.AiProxy.Retry.MaxAttempts");
        context.PositiveDuration(retry.Deadline, "$.AiProxy.Retry.Deadline");
        if (retry.BaseDelay is not null && !Duration.TryParse(retry.BaseDelay, out _))
        {
            context.Add("$.AiProxy.Retry.BaseDelay", "must be a duration such as 100ms (0ms: no wait)");
        }
        if (retry.FirstEventTimeout is not null && (!Duration.TryParse(retry.FirstEventTimeout, out var hold) || hold < TimeSpan.Zero))
        {
            context.Add("$.AiProxy.Retry.FirstEventTimeout", "must be a duration such as 5s, or 0s to stream without holding");
        }
    }
}

namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Overload</c> and <c>AiProxy:DrainTimeout</c>.</summary>
internal sealed class OverloadValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        context.PositiveDuration(context.Options.DrainTimeout, "$.AiProxy.DrainTimeout");
        if (context.Options.Overload is not { } overload)
        {
            return;
        }
        context.Positive(overload.MaxConcurrent, "$.AiProxy.Overload.MaxConcurrent");
        if (overload.QueueLimit is < 0)
        {
            context.Add("$.AiProxy.Overload.QueueLimit", $"QueueLimit must be 0 or more, found {overload.QueueLimit}");
        }
        context.PositiveDuration(overload.QueueTimeout, "$.AiProxy.Overload.QueueTimeout");
    }
}

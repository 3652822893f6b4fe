namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Prices</c>.</summary>
internal sealed class PriceValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        foreach (var (model, price) in context.Options.Prices ?? [])
        {
            if (price is null)
            {
                continue;
            }
            var path = "$.AiProxy.Prices." + model;
            context.NonNegative(price.InputPerMillion, path + ".InputPerMillion");
            context.NonNegative(price.OutputPerMillion, path + ".OutputPerMillion");
            context.NonNegative(price.CachedInputPerMillion, path + ".CachedInputPerMillion");
        }
    }
}

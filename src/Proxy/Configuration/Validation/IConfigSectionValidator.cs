namespace AiProxy.Configuration.Validation;

/// <summary>Validates one concern of the bound <c>AiProxy</c> section, adding every problem it finds with its JSON path.</summary>
internal interface IConfigSectionValidator
{
    void Validate(ConfigValidationContext context);
}

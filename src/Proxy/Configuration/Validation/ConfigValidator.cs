using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration.Validation;

/// <summary>Checks the shape, binds, then runs one validator per concern and reports all errors at once.</summary>
internal static class ConfigValidator
{
    /// <summary>The section validators, in the order their errors are listed.</summary>
    internal static readonly IConfigSectionValidator[] Sections =
    [
        new ProviderValidator(),
        new RouteValidator(),
        new ClientValidator(),
        new BudgetValidator(),
        new PriorityValidator(),
        new BodyLimitValidator(),
        new CacheValidator(),
        new RedisValidator(),
        new RetryValidator(),
        new PriceValidator(),
        new OverloadValidator(),
        new ManagementValidator(),
    ];

    /// <summary>Binds and validates; <paramref name="options"/> is null when the shape is too broken to bind.</summary>
    public static List<ConfigError> Validate(IConfiguration configuration, out AiProxyOptions? options)
    {
        var errors = new List<ConfigError>();
        options = null;
        var section = configuration.GetSection(AiProxyOptions.SectionName);
        if (!section.Exists())
        {
            errors.Add(new("$.AiProxy", "the AiProxy section is missing"));
            return errors;
        }

        ShapeValidator.Validate(section, typeof(AiProxyOptions), errors);
        var shapeErrors = errors.Count;

        AiProxyOptions bound;
        try
        {
            bound = section.Get<AiProxyOptions>() ?? new AiProxyOptions();
        }
        catch (InvalidOperationException)
        {
            // Only reachable through a shape error already reported (a value of the wrong type); keep those. The
            // binder's own message quotes the value it failed to convert, so it is never passed on (see ConfigMessages).
            if (shapeErrors == 0)
            {
                errors.Add(new("$.AiProxy", "a value does not have the type its setting expects (see config/aiproxy.schema.json)"));
            }
            return errors;
        }

        var context = new ConfigValidationContext(bound, configuration, errors);
        foreach (var validator in Sections)
        {
            validator.Validate(context);
        }
        RawReverseProxyValidator.Validate(configuration, errors);
        if (errors.Count == 0)
        {
            options = bound;
        }
        return errors;
    }
}

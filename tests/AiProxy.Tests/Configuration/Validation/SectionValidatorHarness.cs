using System.Text;
using AiProxy.Configuration;
using AiProxy.Configuration.Validation;
using Microsoft.Extensions.Configuration;

namespace AiProxy.Tests.Configuration.Validation;

/// <summary>Runs one section validator on the <c>AiProxy</c> object given as JSON (the other sections stay absent).</summary>
internal static class SectionValidatorHarness
{
    public static List<ConfigError> Run(IConfigSectionValidator validator, string aiProxyJson)
    {
        var root = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"AiProxy":{{aiProxyJson}}}""")))
            .Build();
        var options = root.GetSection(AiProxyOptions.SectionName).Get<AiProxyOptions>()!;
        var errors = new List<ConfigError>();
        validator.Validate(new ConfigValidationContext(options, root, errors));
        return errors;
    }

    public static string Describe(List<ConfigError> errors) => string.Join(" | ", errors);
}

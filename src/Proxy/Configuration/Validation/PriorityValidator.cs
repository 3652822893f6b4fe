using AiProxy.Transforms.Keys;

namespace AiProxy.Configuration.Validation;

/// <summary>Validates each provider's <c>CriticalReserve</c> and <c>ReservedKeys</c> (priority classes and critical-key isolation).</summary>
internal sealed class PriorityValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        foreach (var (name, provider) in context.Options.Providers)
        {
            if (provider is null)
            {
                continue;
            }
            var path = "$.AiProxy.Providers." + name;
            if (provider.CriticalReserve is { } reserve && (!double.IsFinite(reserve) || reserve <= 0 || reserve >= 1))
            {
                context.Add(path + ".CriticalReserve", $"must be a share above 0 and below 1 (e.g. 0.2 keeps 20% of the keys' capacity for critical clients), found {reserve}");
            }
            var reserved = provider.ReservedKeys ?? [];
            for (var i = 0; i < reserved.Count; i++)
            {
                var p = ConfigPath.Index(path + ".ReservedKeys", i);
                if (reserved[i] is not { } key)
                {
                    context.Add(p, "a reserved key must be an object: {\"Key\": \"env:NAME\", \"ReservedFor\": \"critical\"}");
                    continue;
                }
                context.KeyList(key.Key is null ? null : [key.Key], present: true, p + ".Key");
                context.OneOf(PriorityClassNames.Table, key.ReservedFor, p + ".ReservedFor", "priority class");
            }
        }
    }
}

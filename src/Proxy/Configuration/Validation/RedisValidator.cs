namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Redis</c>.</summary>
internal sealed class RedisValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        if (context.Options.Redis is not { } redis)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(redis.Configuration))
        {
            context.Add("$.AiProxy.Redis.Configuration", "Configuration is required when Redis is present (e.g. 127.0.0.1:6379)");
        }
        context.Positive(redis.ExpectedReplicas, "$.AiProxy.Redis.ExpectedReplicas");
        context.PositiveDuration(redis.OperationTimeout, "$.AiProxy.Redis.OperationTimeout");
    }
}

using Microsoft.Extensions.Options;

namespace AiProxy.RateLimiting;

/// <summary>Reports every invalid <see cref="RateLimitingOptions"/> setting at once.</summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        List<string>? errors = null;
        if (options.ExpectedReplicas < 1) (errors ??= []).Add($"RateLimiting.ExpectedReplicas must be at least 1 (was {options.ExpectedReplicas}).");
        if (options.RedisOperationTimeout <= TimeSpan.Zero) (errors ??= []).Add("RateLimiting.RedisOperationTimeout must be positive.");
        if (options.RedisRetryInterval < TimeSpan.Zero) (errors ??= []).Add("RateLimiting.RedisRetryInterval must not be negative.");
        if (options.ConcurrencyLeaseTimeout <= TimeSpan.Zero) (errors ??= []).Add("RateLimiting.ConcurrencyLeaseTimeout must be positive.");
        if (options.ConcurrencyRetryAfter < TimeSpan.Zero) (errors ??= []).Add("RateLimiting.ConcurrencyRetryAfter must not be negative.");
        if (string.IsNullOrEmpty(options.RedisKeyPrefix)) (errors ??= []).Add("RateLimiting.RedisKeyPrefix must not be empty.");
        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

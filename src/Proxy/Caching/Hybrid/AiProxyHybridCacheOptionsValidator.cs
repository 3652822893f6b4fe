using Microsoft.Extensions.Options;

namespace AiProxy.Caching.Hybrid;

/// <summary>Rejects option values that would silently disable or break the cache.</summary>
internal sealed class AiProxyHybridCacheOptionsValidator : IValidateOptions<AiProxyHybridCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, AiProxyHybridCacheOptions options)
    {
        List<string>? errors = null;
        void Fail(string message) => (errors ??= []).Add(message);

        if (options.LocalCacheSizeLimitBytes <= 0) Fail($"{nameof(options.LocalCacheSizeLimitBytes)} must be positive.");
        if (options.MaximumPayloadBytes <= 0) Fail($"{nameof(options.MaximumPayloadBytes)} must be positive.");
        if (options.MaximumKeyLength <= 0) Fail($"{nameof(options.MaximumKeyLength)} must be positive.");
        if (options.DistributedCacheOperationTimeout <= TimeSpan.Zero) Fail($"{nameof(options.DistributedCacheOperationTimeout)} must be positive.");
        if (options.DistributedCacheFailureBackoff < TimeSpan.Zero) Fail($"{nameof(options.DistributedCacheFailureBackoff)} must not be negative.");
        if (options.TagRefreshInterval < TimeSpan.Zero) Fail($"{nameof(options.TagRefreshInterval)} must not be negative.");
        if (options.TagInvalidationRetention <= TimeSpan.Zero) Fail($"{nameof(options.TagInvalidationRetention)} must be positive.");
        if (options.DefaultEntryOptions?.Expiration is { } e && e <= TimeSpan.Zero) Fail("DefaultEntryOptions.Expiration must be positive.");
        if (options.DefaultEntryOptions?.LocalCacheExpiration is { } l && l <= TimeSpan.Zero) Fail("DefaultEntryOptions.LocalCacheExpiration must be positive.");

        return errors is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

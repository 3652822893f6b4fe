using AiProxy.Configuration.Validation;
using static AiProxy.Tests.Configuration.Validation.SectionValidatorHarness;

namespace AiProxy.Tests.Configuration.Validation;

/// <summary>The small section validators: clients, body limit, cache, Redis, retry and prices.</summary>
public sealed class SectionValidatorTests
{
    public static TheoryData<string, string, string> Invalid => new()
    {
        { nameof(ClientValidator), """{"Clients":{"a":{}}}""", "$.AiProxy.Clients.a.Keys: Keys is required: the keys this client sends as its API key" },
        { nameof(ClientValidator), """{"Clients":{"a":{"Keys":["file:"]}}}""", "$.AiProxy.Clients.a.Keys[0]: file: needs a path (file:/path/to/key)" },
        { nameof(ClientValidator), """{"Clients":{"a":{"Keys":["k"],"RateLimit":{"MaxConcurrent":0}}}}""", "$.AiProxy.Clients.a.RateLimit.MaxConcurrent: must be a positive number, found 0" },
        { nameof(ClientValidator), """{"Clients":{"a":{"Keys":["k"],"AllowedModels":[""]}}}""", "$.AiProxy.Clients.a.AllowedModels[0]: model pattern is empty" },
        { nameof(ClientValidator), """{"AnonymousRateLimit":{"TokensPerMinute":-1}}""", "$.AiProxy.AnonymousRateLimit.TokensPerMinute: must be a positive number, found -1" },
        { nameof(BodyLimitValidator), """{"MaxRequestBodyBytes":0}""", "$.AiProxy.MaxRequestBodyBytes: must be a positive number, found 0" },
        { nameof(CacheValidator), """{"Cache":{"Mode":"sometimes"}}""", "$.AiProxy.Cache.Mode: unknown cache mode; one of: deterministic, always, off" },
        { nameof(CacheValidator), """{"Cache":{"Ttl":"forever"}}""", "$.AiProxy.Cache.Ttl: must be a positive duration such as 01:00:00, 30m or 3600s" },
        { nameof(CacheValidator), """{"Cache":{"MaxEntryBytes":0}}""", "$.AiProxy.Cache.MaxEntryBytes: must be a positive number, found 0" },
        { nameof(CacheValidator), """{"Cache":{"Semantic":{"Threshold":1.5}}}""", "$.AiProxy.Cache.Semantic.Threshold: Threshold must be in (0, 1], found 1.5" },
        { nameof(CacheValidator), """{"Cache":{"Semantic":{"Embeddings":"remote"}}}""", "$.AiProxy.Cache.Semantic.Embeddings: Embeddings is 'local' or an object { \"Provider\", \"Model\" }" },
        { nameof(CacheValidator), """{"Cache":{"Semantic":{"Embeddings":{"Provider":"nope","Model":"m"}}}}""", "$.AiProxy.Cache.Semantic.Embeddings.Provider: unknown provider: not a name under AiProxy:Providers; known providers: " },
        { nameof(CacheValidator), """{"Providers":{"p":{}},"Cache":{"Semantic":{"Embeddings":{"Provider":"p"}}}}""", "$.AiProxy.Cache.Semantic.Embeddings.Model: Provider and Model go together: the embedding model and the provider that serves it" },
        { nameof(CacheValidator), """{"Cache":{"Semantic":{"Embeddings":{"Model":"m"}}}}""", "$.AiProxy.Cache.Semantic.Embeddings.Provider: Provider and Model go together: the embedding model and the provider that serves it" },
        { nameof(CacheValidator), """{"Providers":{"p":{}},"Cache":{"Semantic":{"Embeddings":"local","Provider":"p","Model":"m"}}}""", "$.AiProxy.Cache.Semantic.Provider: Provider and Model beside Embeddings are the older spelling of Embeddings: { \"Provider\", \"Model\" }: give only Embeddings" },
        { nameof(CacheValidator), """{"Providers":{"p":{}},"Cache":{"Semantic":{"Model":"m"}}}""", "$.AiProxy.Cache.Semantic.Provider: Provider and Model go together: the embedding model and the provider that serves it" },
        { nameof(OverloadValidator), """{"Overload":{"QueueTimeout":"soon"}}""", "$.AiProxy.Overload.QueueTimeout: must be a positive duration such as 01:00:00, 30m or 3600s" },
        { nameof(OverloadValidator), """{"Overload":{"MaxConcurrent":0}}""", "$.AiProxy.Overload.MaxConcurrent: must be a positive number, found 0" },
        { nameof(OverloadValidator), """{"DrainTimeout":"-1s"}""", "$.AiProxy.DrainTimeout: must be a positive duration such as 01:00:00, 30m or 3600s" },
        { nameof(CacheValidator), """{"Cache":{"Semantic":{"Provider":"nope","Model":"m"}}}""", "$.AiProxy.Cache.Semantic.Provider: unknown provider: not a name under AiProxy:Providers; known providers: " },
        { nameof(RedisValidator), """{"Redis":{"ExpectedReplicas":2}}""", "$.AiProxy.Redis.Configuration: Configuration is required when Redis is present (e.g. 127.0.0.1:6379)" },
        { nameof(RedisValidator), """{"Redis":{"Configuration":"r:6379","OperationTimeout":"0ms"}}""", "$.AiProxy.Redis.OperationTimeout: must be a positive duration such as 01:00:00, 30m or 3600s" },
        { nameof(RetryValidator), """{"Retry":{"MaxAttempts":0}}""", "$.AiProxy.Retry.MaxAttempts: must be a positive number, found 0" },
        { nameof(RetryValidator), """{"Retry":{"BaseDelay":"soon"}}""", "$.AiProxy.Retry.BaseDelay: must be a duration such as 100ms (0ms: no wait)" },
        { nameof(RetryValidator), """{"Retry":{"Deadline":"0s"}}""", "$.AiProxy.Retry.Deadline: must be a positive duration such as 01:00:00, 30m or 3600s" },
        { nameof(RetryValidator), """{"Retry":{"FirstEventTimeout":"-1s"}}""", "$.AiProxy.Retry.FirstEventTimeout: must be a duration such as 5s, or 0s to stream without holding" },
        { nameof(PriceValidator), """{"Prices":{"gpt-*":{"OutputPerMillion":-1}}}""", "$.AiProxy.Prices.gpt-*.OutputPerMillion: must not be negative, found -1" },
        { nameof(ClientValidator), """{"Clients":{"a":{"Keys":["k"],"RateLimit":{"RequestsPerDay":0}}}}""", "$.AiProxy.Clients.a.RateLimit.RequestsPerDay: must be a positive number, found 0" },
        { nameof(BudgetValidator), """{"Clients":{"a":{"Keys":["k"],"Budget":{"TokensPerDay":0}}}}""", "$.AiProxy.Clients.a.Budget.TokensPerDay: must be a positive number, found 0" },
        { nameof(BudgetValidator), """{"Prices":{"*":{}},"Clients":{"a":{"Keys":["k"],"Budget":{"UsdPerMonth":-5}}}}""", "$.AiProxy.Clients.a.Budget.UsdPerMonth: must be a positive amount of dollars up to 1e9, found -5" },
        { nameof(BudgetValidator), """{"Clients":{"a":{"Keys":["k"],"Budget":{"ResetTimeZone":"Europe/Atlantis"}}}}""", "$.AiProxy.Clients.a.Budget.ResetTimeZone: unknown time zone; use an IANA id such as UTC, Europe/Paris or America/New_York" },
        { nameof(BudgetValidator), """{"AnonymousBudget":{"UsdPerDay":1}}""", "$.AiProxy.AnonymousBudget: a USD budget needs model prices: add AiProxy:Prices (models without a price cost nothing against it)" },
        { nameof(BudgetValidator), """{"Clients":{"a":{"Keys":["k"],"Priority":"urgent"}}}""", "$.AiProxy.Clients.a.Priority: unknown priority class; one of: critical, high, normal, low" },
        { nameof(PriorityValidator), """{"Providers":{"p":{"CriticalReserve":1}}}""", "$.AiProxy.Providers.p.CriticalReserve: must be a share above 0 and below 1 (e.g. 0.2 keeps 20% of the keys' capacity for critical clients), found 1" },
        { nameof(PriorityValidator), """{"Providers":{"p":{"ReservedKeys":[{"Key":"k","ReservedFor":"vip"}]}}}""", "$.AiProxy.Providers.p.ReservedKeys[0].ReservedFor: unknown priority class; one of: critical, high, normal, low" },
        { nameof(PriorityValidator), """{"Providers":{"p":{"ReservedKeys":[{"Key":"env:"}]}}}""", "$.AiProxy.Providers.p.ReservedKeys[0].Key[0]: env: needs a variable name (env:NAME)" },
    };

    public static TheoryData<string, string> Valid => new()
    {
        { nameof(ClientValidator), """{"Clients":{"a":{"Keys":["env:A"],"RateLimit":{"RequestsPerMinute":60},"AllowedModels":["gpt-*"]}}}""" },
        { nameof(BodyLimitValidator), """{"MaxRequestBodyBytes":1024}""" },
        { nameof(CacheValidator), """{"Cache":{"Mode":"Always","Ttl":"1h","Semantic":{"Enabled":true,"Threshold":1,"Embeddings":"LOCAL"}}}""" },
        { nameof(CacheValidator), """{"Providers":{"openai":{}},"Cache":{"Semantic":{"Enabled":true,"Embeddings":{"Provider":"openai","Model":"text-embedding-3-small"}}}}""" },
        { nameof(CacheValidator), """{"Providers":{"openai":{}},"Cache":{"Semantic":{"Enabled":true,"Provider":"openai","Model":"text-embedding-3-small"}}}""" },
        { nameof(RedisValidator), """{"Redis":{"Configuration":"127.0.0.1:6379","ExpectedReplicas":3,"OperationTimeout":"250ms"}}""" },
        { nameof(RetryValidator), """{"Retry":{"MaxAttempts":2,"Deadline":"30s","BaseDelay":"0ms","FirstEventTimeout":"0s"}}""" },
        { nameof(PriceValidator), """{"Prices":{"gpt-4o":{"InputPerMillion":2.5,"OutputPerMillion":10,"CachedInputPerMillion":0}}}""" },
        { nameof(BudgetValidator), """{"Prices":{"*":{"InputPerMillion":1}},"Clients":{"a":{"Keys":["k"],"Priority":"Critical","Budget":{"UsdPerDay":0.01,"TokensPerMonth":5,"ResetTimeZone":"Europe/Paris"}}}}""" },
        { nameof(PriorityValidator), """{"Providers":{"p":{"CriticalReserve":0.2,"ReservedKeys":[{"Key":"env:PROD"},{"Key":"k","ReservedFor":"high"}]}}}""" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidSection_ReportsPathAndMessage(string validator, string json, string expected)
    {
        var errors = Run(Section(validator), json);

        Assert.Equal(expected, Assert.Single(errors).ToString());
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void Validate_ValidSection_NoErrors(string validator, string json)
    {
        var errors = Run(Section(validator), json);

        Assert.True(errors.Count == 0, Describe(errors));
    }

    [Fact]
    public void Sections_EveryConcernOnce_InReportOrder()
    {
        Assert.Equal(
            [typeof(ProviderValidator), typeof(RouteValidator), typeof(ClientValidator), typeof(BudgetValidator), typeof(PriorityValidator), typeof(BodyLimitValidator), typeof(CacheValidator),
             typeof(RedisValidator), typeof(RetryValidator), typeof(PriceValidator), typeof(OverloadValidator), typeof(ManagementValidator)],
            ConfigValidator.Sections.Select(v => v.GetType()));
    }

    private static IConfigSectionValidator Section(string name) => ConfigValidator.Sections.Single(v => v.GetType().Name == name);
}

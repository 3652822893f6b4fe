using AiProxy.Configuration;
using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.Routing;

/// <summary>Creates provider runtimes (key pool, breaker) with the host's clock and logging.</summary>
internal sealed class ProviderRuntimeFactory
{
    public static readonly ProviderRuntimeFactory Offline = new(TimeProvider.System, NullLoggerFactory.Instance, watchFiles: false);

    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly bool _watchFiles;

    public ProviderRuntimeFactory(TimeProvider time, ILoggerFactory loggers, bool watchFiles)
    {
        _time = time;
        _loggers = loggers;
        _watchFiles = watchFiles;
    }

    public TimeProvider Time => _time;

    public ProviderRuntime Create(string name, ProviderOptions p, string clusterId)
    {
        var kind = ProviderKindNames.Table.Parse(p.Type);
        var headers = new List<KeyValuePair<string, string>>();
        if (p.Headers is not null)
        {
            foreach (var h in p.Headers)
            {
                headers.Add(new(h.Key, h.Value));
            }
        }
        var requiresKey = p.Keys is not null || kind is ProviderKind.OpenAI or ProviderKind.AzureOpenAI or ProviderKind.OpenRouter;
        var target = new UpstreamTarget(name, kind, new Uri(p.BaseUrl!))
        {
            ClusterId = clusterId,
            ApiVersion = p.ApiVersion ?? "2024-10-21",
            Deployments = p.Deployments is null ? new Dictionary<string, string>() : new Dictionary<string, string>(p.Deployments, StringComparer.OrdinalIgnoreCase),
            Headers = headers,
            RequiresKey = requiresKey,
        };

        UpstreamKeyPool? pool = null;
        if (requiresKey)
        {
            pool = new UpstreamKeyPool(name, new UpstreamKeyPoolOptions
            {
                Keys = p.Keys ?? [],
                ReservedKeys = [.. (p.ReservedKeys ?? []).Select(static r => new ReservedKey
                {
                    Key = r.Key ?? "",
                    ReservedFor = PriorityClassNames.Table.Parse(r.ReservedFor, PriorityClass.Critical),
                })],
                CriticalReserve = p.CriticalReserve ?? 0,
                Strategy = KeyStrategyNames.Table.Parse(p.KeyStrategy, KeyStrategy.QuotaAware),
                Limits = new KeyLimits { RequestsPerMinute = p.Limits?.RequestsPerMinute, TokensPerMinute = p.Limits?.TokensPerMinute },
                WatchFiles = _watchFiles,
                QuotaCooldown = p.QuotaCooldown is { } quota && Duration.TryParse(quota, out var cooldown) ? cooldown : TimeSpan.FromHours(1),
            }, _time, _loggers.CreateLogger("AiProxy.Keys"));
        }
        return new ProviderRuntime(target, pool, new ProviderCircuitBreaker(_time), p.Weight ?? 1, _time, p.Limits?.RequestsPerMinute, p.Limits?.TokensPerMinute);
    }
}

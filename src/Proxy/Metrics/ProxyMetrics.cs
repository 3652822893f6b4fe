using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiProxy.Metrics;

/// <summary>
/// The proxy's request-path instruments on the <c>AiProxy</c> meter. The Prometheus endpoint exports them as
/// <c>aiproxy_*</c>: dots become underscores, units add <c>_seconds</c>/<c>_usd</c>, counters add <c>_total</c>.
/// Label values are bounded by the caller (unknown models fold into <c>other</c>; keys are fingerprints).
/// </summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "AiProxy";

    private readonly Counter<long> _configReloads;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstByte;
    private readonly Counter<long> _upstreamAttempts;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _cost;
    private readonly UpDownCounter<long> _inFlight;
    private readonly UpDownCounter<long> _streamsInFlight;

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _configReloads = meter.CreateCounter<long>("aiproxy.config.reloads", "{reload}", "Config reloads by result (success, invalid).");
        _requests = meter.CreateCounter<long>("aiproxy.requests", "{request}", "Requests answered, by route, provider, model, client, status code and cache result.");
        _duration = meter.CreateHistogram<double>("aiproxy.request.duration", "s", "Time from request start to the last byte of the response.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        _timeToFirstByte = meter.CreateHistogram<double>("aiproxy.time_to_first_byte", "s", "Time from request start to the first response byte.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _upstreamAttempts = meter.CreateCounter<long>("aiproxy.upstream.attempts", "{attempt}", "Upstream attempts by provider, key fingerprint and outcome.");
        _tokens = meter.CreateCounter<long>("aiproxy.tokens", "{token}", "Tokens by client, model and kind (prompt, completion, cached).");
        _cost = meter.CreateCounter<double>("aiproxy.cost", "USD", "Estimated cost from the configured price table, by client and model.");
        _inFlight = meter.CreateUpDownCounter<long>("aiproxy.requests.in_flight", "{request}", "Requests in flight.");
        _streamsInFlight = meter.CreateUpDownCounter<long>("aiproxy.streams.in_flight", "{stream}", "Streaming responses in flight.");
    }

    public void ConfigReloaded(bool success)
    {
        if (_configReloads.Enabled)
        {
            _configReloads.Add(1, new KeyValuePair<string, object?>("result", success ? "success" : "invalid"));
        }
    }

    public void RequestStarted() => _inFlight.Add(1);

    public void StreamStarted() => _streamsInFlight.Add(1);

    public void StreamFinished() => _streamsInFlight.Add(-1);

    public void RequestFinished(in RequestTags tags, int statusCode, double seconds, double? firstByteSeconds)
    {
        _inFlight.Add(-1);
        if (_requests.Enabled)
        {
            var list = new TagList
            {
                { "route", tags.Route },
                { "provider", tags.Provider },
                { "model", tags.Model },
                { "client", tags.Client },
                { "status_code", StatusCodeLabel(statusCode) },
                { "cache", tags.Cache },
            };
            _requests.Add(1, list);
        }
        if (_duration.Enabled || _timeToFirstByte.Enabled)
        {
            var list = new TagList
            {
                { "route", tags.Route },
                { "provider", tags.Provider },
                { "model", tags.Model },
                { "stream", tags.Stream ? "true" : "false" },
            };
            _duration.Record(seconds, list);
            if (firstByteSeconds is { } ttfb)
            {
                _timeToFirstByte.Record(ttfb, list);
            }
        }
    }

    public void UpstreamAttempt(string provider, string keyFingerprint, string outcome)
    {
        if (_upstreamAttempts.Enabled)
        {
            _upstreamAttempts.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("key", keyFingerprint),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void Tokens(string client, string model, long prompt, long completion, long cached, double? costUsd)
    {
        if (_tokens.Enabled)
        {
            Add(_tokens, client, model, "prompt", prompt);
            Add(_tokens, client, model, "completion", completion);
            Add(_tokens, client, model, "cached", cached);
        }
        if (costUsd is { } cost && _cost.Enabled)
        {
            _cost.Add(cost, new KeyValuePair<string, object?>("client", client), new KeyValuePair<string, object?>("model", model));
        }

        static void Add(Counter<long> counter, string client, string model, string kind, long value)
        {
            if (value > 0)
            {
                counter.Add(value, new KeyValuePair<string, object?>("client", client), new KeyValuePair<string, object?>("model", model),
                    new KeyValuePair<string, object?>("kind", kind));
            }
        }
    }

    private static readonly string[] StatusLabels = CreateStatusLabels();

    private static string StatusCodeLabel(int status) => (uint)status < (uint)StatusLabels.Length ? StatusLabels[status] : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] CreateStatusLabels()
    {
        var labels = new string[600];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return labels;
    }
}

/// <summary>Bounded label values describing one request.</summary>
internal readonly record struct RequestTags(string Route, string Provider, string Model, string Client, string Cache, bool Stream);

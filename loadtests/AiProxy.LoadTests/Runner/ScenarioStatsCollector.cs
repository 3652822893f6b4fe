using System.Collections.Concurrent;
using System.Diagnostics;

namespace AiProxy.LoadTests.Runner;

/// <summary>Thread-safe sink of one scenario's measurements; <see cref="Build"/> turns it into <see cref="ScenarioStats"/>.</summary>
internal sealed class ScenarioStatsCollector
{
    private const int MaxFailSamples = 5;
    private readonly LatencyRecorder _latency = new();
    private readonly LatencyRecorder _firstToken = new();
    private readonly LatencyRecorder _chunkGaps = new();
    private readonly ConcurrentDictionary<string, long> _statusCodes = new();
    private readonly ConcurrentDictionary<string, long> _messages = new();
    private readonly ConcurrentQueue<string> _failSamples = new();
    private readonly ConcurrentDictionary<int, LatencyRecorder> _okBySecond = new();
    private readonly ConcurrentDictionary<int, long> _failBySecond = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _ok;
    private long _fail;
    private long _bytes;

    public long Ok => Interlocked.Read(ref _ok);

    public long Fail => Interlocked.Read(ref _fail);

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    public void Record(Response response, TimeSpan latency)
    {
        var second = (int)Elapsed.TotalSeconds;
        _statusCodes.AddOrUpdate(string.IsNullOrEmpty(response.StatusCode) ? "-" : response.StatusCode, 1, static (_, n) => n + 1);
        Interlocked.Add(ref _bytes, response.SizeBytes);
        if (response.IsError)
        {
            Interlocked.Increment(ref _fail);
            _failBySecond.AddOrUpdate(second, 1, static (_, n) => n + 1);
            if (_failSamples.Count < MaxFailSamples)
            {
                _failSamples.Enqueue($"{response.StatusCode} {response.Message}".Trim());
            }
            return;
        }
        Interlocked.Increment(ref _ok);
        _latency.Record(latency);
        _okBySecond.GetOrAdd(second, static _ => new LatencyRecorder()).Record(latency);
        if (response.Message is { Length: > 0 } message)
        {
            _messages.AddOrUpdate(message, 1, static (_, n) => n + 1);
        }
    }

    public void RecordFirstToken(TimeSpan value) => _firstToken.Record(value);

    public void RecordChunkGap(TimeSpan value) => _chunkGaps.Record(value);

    public LatencyStats LatencyNow() => _latency.Summary();

    public ScenarioStats Build(string name, TimeSpan duration)
    {
        var seconds = _okBySecond.Keys.Concat(_failBySecond.Keys).DefaultIfEmpty(-1).Max();
        var timeline = new List<TimelinePoint>();
        for (var s = 0; s <= seconds; s++)
        {
            var l = _okBySecond.TryGetValue(s, out var r) ? r.Summary() : LatencyStats.Empty;
            timeline.Add(new TimelinePoint(s, l.Count, _failBySecond.GetValueOrDefault(s), l.P50, l.P99, l.Max));
        }
        double[] percentiles = [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 100];
        return new ScenarioStats
        {
            ScenarioName = name,
            Duration = duration,
            Ok = Ok,
            Fail = Fail,
            Bytes = Interlocked.Read(ref _bytes),
            Latency = _latency.Summary(),
            FirstToken = _firstToken.Count > 0 ? _firstToken.Summary() : null,
            ChunkGaps = _chunkGaps.Count > 0 ? _chunkGaps.Summary() : null,
            StatusCodes = new SortedDictionary<string, long>(_statusCodes, StringComparer.Ordinal),
            Messages = new SortedDictionary<string, long>(_messages, StringComparer.Ordinal),
            FailSamples = [.. _failSamples],
            Timeline = timeline,
            PercentileCurve = _latency.Curve(percentiles),
        };
    }
}

using System.Diagnostics;

namespace AiProxy.LoadTests.Runner;

/// <summary>Per-invocation context: the scheduled start is the origin of every timing it records.</summary>
internal sealed class ScenarioContext(string scenarioName, long invocationNumber, long scheduledTimestamp, ScenarioStatsCollector? stats, CancellationToken token) : IScenarioContext
{
    private long _lastMark;

    public string ScenarioName { get; } = scenarioName;

    public long InvocationNumber { get; } = invocationNumber;

    public CancellationToken ScenarioCancellationToken { get; } = token;

    public Random Random => Random.Shared;

    public long ScheduledTimestamp { get; } = scheduledTimestamp;

    public void MarkFirstToken()
    {
        var now = Stopwatch.GetTimestamp();
        if (_lastMark == 0)
        {
            stats?.RecordFirstToken(Stopwatch.GetElapsedTime(ScheduledTimestamp, now));
        }
        _lastMark = now;
    }

    public void MarkChunk()
    {
        var now = Stopwatch.GetTimestamp();
        if (_lastMark == 0)
        {
            MarkFirstToken();
            return;
        }
        stats?.RecordChunkGap(Stopwatch.GetElapsedTime(_lastMark, now));
        _lastMark = now;
    }
}

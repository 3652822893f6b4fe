using System.Diagnostics;

namespace AiProxy.LoadTests.Runner;

/// <summary>Runs one scenario: init, warm-up (stats discarded), the load segments in order, drain, clean.</summary>
internal sealed class ScenarioEngine(ScenarioProps props)
{
    // Open model: beyond this many calls in flight the target is hopelessly behind; further arrivals fail as "dropped"
    // rather than exhausting the load generator's sockets and memory.
    private const int MaxInFlight = 5_000;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private long _invocation;
    private int _inFlight;

    /// <summary>The collector of the phase running now (for live progress); the warm-up's while warming up.</summary>
    public ScenarioStatsCollector? Current { get; private set; }

    /// <summary>Whether the measured phase has started.</summary>
    public bool Measuring { get; private set; }

    public async Task<ScenarioStats> RunAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (props.Init is { } init)
        {
            await init(cts.Token).ConfigureAwait(false);
        }
        try
        {
            if (props.WarmUpDuration > TimeSpan.Zero)
            {
                Current = new ScenarioStatsCollector();
                var first = props.LoadSimulations[0];
                var warm = first with { During = props.WarmUpDuration, Iterations = null, Kind = first.IsOpen ? LoadSimulationKind.Inject : LoadSimulationKind.KeepConstant };
                await RunSegmentAsync(warm, 0, Current, cts.Token).ConfigureAwait(false);
                await DrainAsync(cts.Token).ConfigureAwait(false);
            }
            var stats = new ScenarioStatsCollector();
            Current = stats;
            Measuring = true;
            var previous = 0;
            foreach (var segment in props.LoadSimulations)
            {
                await RunSegmentAsync(segment, previous, stats, cts.Token).ConfigureAwait(false);
                previous = segment.Value;
            }
            await DrainAsync(cts.Token).ConfigureAwait(false);
            var result = stats.Build(props.ScenarioName, stats.Elapsed);
            return result with { Thresholds = [.. props.Thresholds.Select(t => t.Evaluate(result.Metric))] };
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            if (props.Clean is { } clean)
            {
                await clean().ConfigureAwait(false);
            }
        }
    }

    private Task RunSegmentAsync(LoadSimulation segment, int previousValue, ScenarioStatsCollector stats, CancellationToken token) => segment.Kind switch
    {
        LoadSimulationKind.Inject => InjectAsync(segment.RatePerSecond, segment.RatePerSecond, segment, stats, token),
        LoadSimulationKind.RampingInject => InjectAsync(previousValue / segment.Interval.TotalSeconds, segment.RatePerSecond, segment, stats, token),
        LoadSimulationKind.KeepConstant => ConstantAsync(segment.Value, segment.Value, segment, stats, token),
        _ => ConstantAsync(previousValue, segment.Value, segment, stats, token),
    };

    private async Task InjectAsync(double fromRate, double toRate, LoadSimulation segment, ScenarioStatsCollector stats, CancellationToken token)
    {
        var start = Stopwatch.GetTimestamp();
        foreach (var offset in LoadSchedule.Arrivals(fromRate, toRate, segment.During, segment.Iterations))
        {
            if (token.IsCancellationRequested)
            {
                return;
            }
            // Never early: arrivals due within the same timer tick (~1 ms on Linux) go out together once it fires.
            var wait = offset - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, token).ConfigureAwait(false);
            }
            // The latency origin is the due time, not the moment the call went out: a stalled target or a late timer shows in the numbers.
            var scheduled = start + (long)(offset.TotalSeconds * Stopwatch.Frequency);
            if (Volatile.Read(ref _inFlight) >= MaxInFlight)
            {
                stats.Record(Response.Fail("dropped", "load generator: too many calls in flight"), TimeSpan.Zero);
                continue;
            }
            _ = InvokeAsync(scheduled, stats, token);
        }
        if (segment.During != TimeSpan.MaxValue)
        {
            var rest = segment.During - Stopwatch.GetElapsedTime(start);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, token).ConfigureAwait(false);
            }
        }
    }

    private async Task ConstantAsync(int fromCopies, int toCopies, LoadSimulation segment, ScenarioStatsCollector stats, CancellationToken token)
    {
        var start = Stopwatch.GetTimestamp();
        var maxCopies = Math.Max(fromCopies, toCopies);
        var wanted = 0;
        var budget = segment.Iterations ?? long.MaxValue;
        var loops = new Task?[maxCopies];

        bool Continue(int index) =>
            !token.IsCancellationRequested && index < Volatile.Read(ref wanted) && Stopwatch.GetElapsedTime(start) < segment.During && Interlocked.Decrement(ref budget) >= 0;

        async Task LoopAsync(int index)
        {
            await Task.Yield();
            while (Continue(index))
            {
                await InvokeAsync(Stopwatch.GetTimestamp(), stats, token).ConfigureAwait(false);
            }
        }

        while (!token.IsCancellationRequested && Stopwatch.GetElapsedTime(start) < segment.During && Interlocked.Read(ref budget) > 0)
        {
            Volatile.Write(ref wanted, LoadSchedule.CopiesAt(fromCopies, toCopies, Stopwatch.GetElapsedTime(start), segment.During));
            for (var i = 0; i < wanted; i++)
            {
                if (loops[i] is null || loops[i]!.IsCompleted)
                {
                    loops[i] = LoopAsync(i);
                }
            }
            var all = loops.Where(l => l is not null).Cast<Task>().ToArray();
            // Re-plan every 100 ms while ramping; a constant segment only wakes when the loops end (duration or budget).
            var tick = segment.Kind == LoadSimulationKind.RampingConstant ? Task.Delay(100, token) : Task.Delay(Timeout.Infinite, token);
            await Task.WhenAny(Task.WhenAll(all), tick).ConfigureAwait(false);
            if (segment.Kind == LoadSimulationKind.KeepConstant)
            {
                await Task.WhenAll(all).ConfigureAwait(false);
                break;
            }
        }
        await Task.WhenAll(loops.Where(l => l is not null).Cast<Task>()).ConfigureAwait(false);
    }

    private async Task InvokeAsync(long scheduled, ScenarioStatsCollector stats, CancellationToken token)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            var ctx = new ScenarioContext(props.ScenarioName, Interlocked.Increment(ref _invocation) - 1, scheduled, stats, token);
            Response response;
            try
            {
                response = await props.Run(ctx).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                response = Response.Fail("exception", $"{ex.GetType().Name}: {ex.Message}");
            }
            stats.Record(response, Stopwatch.GetElapsedTime(scheduled));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task DrainAsync(CancellationToken token)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Volatile.Read(ref _inFlight) > 0 && Stopwatch.GetTimestamp() < deadline && !token.IsCancellationRequested)
        {
            await Task.Delay(2, token).ConfigureAwait(false);
        }
    }
}

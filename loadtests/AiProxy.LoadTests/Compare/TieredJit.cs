using System.Globalization;

namespace AiProxy.LoadTests.Compare;

/// <summary>
/// CPU time of a .NET process's background tier-1 JIT thread (<c>.NET Tiered Com</c>), read from <c>/proc</c>: while it
/// still grows under load, the process is recompiling hot methods and its CPU per request is not yet the steady one.
/// </summary>
internal static class TieredJit
{
    private const string ThreadName = ".NET Tiered Com";

    // USER_HZ: the unit of utime/stime in /proc/<pid>/task/<tid>/stat on Linux.
    private const double ClockTicksPerSecond = 100;

    /// <summary>Gets the thread's CPU time (zero when it is not running now); null where /proc is not available.</summary>
    public static TimeSpan? CpuTime(int pid)
    {
        var tasks = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task";
        if (!Directory.Exists(tasks))
        {
            return null;
        }
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories(tasks))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // the thread ended meanwhile
            }
            if (TryParse(stat, out var name, out var cpu) && name.StartsWith(ThreadName, StringComparison.Ordinal))
            {
                ticks += cpu;
            }
        }
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    /// <summary>Reads the thread name and utime + stime of one <c>stat</c> line: <c>tid (comm) state … utime stime …</c>.</summary>
    internal static bool TryParse(string stat, out string name, out long cpuTicks)
    {
        name = "";
        cpuTicks = 0;
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return false;
        }
        name = stat[(open + 1)..close];
        // After "(comm) " come state (field 3) … utime (field 14) and stime (field 15).
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system))
        {
            return false;
        }
        cpuTicks = user + system;
        return true;
    }
}

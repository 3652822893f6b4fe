using System.Diagnostics;
using System.Globalization;

namespace AiProxy.LoadTests.Soak;

/// <summary>Reads a process's RSS, threads and handles from /proc, and its GC heap through dotnet-counters (when installed).</summary>
internal static class ProcessProbe
{
    private const string HeapCounter = "dotnet.gc.last_collection.heap.size";

    /// <summary>Samples the process; <paramref name="withGcHeap"/> adds a ~3 s dotnet-counters session.</summary>
    public static async Task<ProcessSample> SampleAsync(int pid, TimeSpan at, bool withGcHeap, CancellationToken token)
    {
        long? heap = withGcHeap ? await GcHeapAsync(pid, token).ConfigureAwait(false) : null;
        var status = await File.ReadAllTextAsync($"/proc/{pid}/status", token).ConfigureAwait(false);
        var (rss, threads) = ParseStatus(status);
        var fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd");
        var sockets = 0;
        foreach (var fd in fds)
        {
            try
            {
                sockets += new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true ? 1 : 0;
            }
            catch (IOException)
            {
                // Closed between the listing and the read.
            }
        }
        return new ProcessSample(at, rss, heap, fds.Length, threads, sockets);
    }

    /// <summary>Returns <c>VmRSS</c> (bytes) and <c>Threads</c> from the text of <c>/proc/PID/status</c>.</summary>
    public static (long RssBytes, int Threads) ParseStatus(string status)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:	  123456 kB"
                rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }
        return (rss, threads);
    }

    /// <summary>Sums the heap size of every generation per timestamp of a dotnet-counters CSV export; returns the median of those sums.</summary>
    /// <remarks>The heap after the last GC jumps with each gen0 collection; the median of a few readings is steadier than one.</remarks>
    public static long? ParseHeapCsv(IEnumerable<string> lines)
    {
        var sums = new List<long>();
        string? last = null;
        foreach (var line in lines)
        {
            // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment
            var parts = line.Split(',');
            if (parts.Length < 5 || !parts[2].StartsWith(HeapCounter, StringComparison.Ordinal)
                || !double.TryParse(parts[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }
            if (parts[0] != last)
            {
                last = parts[0];
                sums.Add(0);
            }
            sums[^1] += (long)value;
        }
        if (sums.Count == 0)
        {
            return null;
        }
        sums.Sort();
        return sums[sums.Count / 2];
    }

    private static async Task<long?> GcHeapAsync(int pid, CancellationToken token)
    {
        var tool = FindCountersTool();
        if (tool is null)
        {
            return null;
        }
        var output = Path.Combine(Path.GetTempPath(), $"aiproxy-soak-{pid}-{Guid.NewGuid():N}.csv");
        try
        {
            var start = new ProcessStartInfo(tool)
            {
                ArgumentList = { "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--counters", $"System.Runtime[{HeapCounter}]",
                    "--format", "csv", "-o", output, "--refresh-interval", "1", "--duration", "00:00:00:03" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            using var process = Process.Start(start)!;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(timeout.Token), process.StandardError.ReadToEndAsync(timeout.Token));
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                await drain.ConfigureAwait(false);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            return File.Exists(output) ? ParseHeapCsv(await File.ReadAllLinesAsync(output, token).ConfigureAwait(false)) : null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.ComponentModel.Win32Exception or IOException)
        {
            return null;
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string? FindCountersTool()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(home, ".dotnet", "tools"));
        return candidates.Select(dir => Path.Combine(dir, "dotnet-counters")).FirstOrDefault(File.Exists);
    }
}

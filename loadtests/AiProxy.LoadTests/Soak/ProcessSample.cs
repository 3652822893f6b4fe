namespace AiProxy.LoadTests.Soak;

/// <summary>The resources a process holds at one moment.</summary>
/// <param name="At">Time since the measured phase started.</param>
/// <param name="RssBytes">Resident set size (<c>VmRSS</c>).</param>
/// <param name="GcHeapBytes">Managed heap after the last GC (all generations), when dotnet-counters could read it.</param>
/// <param name="Handles">Open file descriptors (<c>/proc/PID/fd</c>): sockets, files, pipes.</param>
/// <param name="Threads">OS threads.</param>
/// <param name="Sockets">The handles that are sockets (the rest are mostly the assemblies the runtime keeps open, and pipes).</param>
internal sealed record ProcessSample(TimeSpan At, long RssBytes, long? GcHeapBytes, int Handles, int Threads, int Sockets = 0);

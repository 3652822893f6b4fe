using AiProxy.LoadTests.Compare;

namespace AiProxy.LoadTests.Tests.Compare;

public sealed class TieredJitTests
{
    // A real line's shape: tid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …;
    // the name may hold spaces and parentheses (the last ')' ends it).
    [Theory]
    [InlineData("4242 (.NET Tiered Com) S 4200 4200 1 0 -1 4194368 120 0 0 0 731 19 0 0 20 0 40 0 123456 0 0", ".NET Tiered Com", 750)]
    [InlineData("7 (a) b) R 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 0 0", "a) b", 11)]
    public void TryParse_StatLine_ReadsNameAndUserPlusSystemTicks(string stat, string expectedName, long expectedTicks)
    {
        Assert.True(TieredJit.TryParse(stat, out var name, out var ticks));
        Assert.Equal(expectedName, name);
        Assert.Equal(expectedTicks, ticks);
    }

    [Fact]
    public void TryParse_TruncatedLine_False() => Assert.False(TieredJit.TryParse("7 (x) R 1 2", out _, out _));

    [Fact]
    public void CpuTime_ThisProcess_ReadsWithoutFailing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var cpu = TieredJit.CpuTime(Environment.ProcessId);
        Assert.NotNull(cpu);
        Assert.True(cpu >= TimeSpan.Zero);
        Assert.Null(TieredJit.CpuTime(int.MaxValue));
    }
}

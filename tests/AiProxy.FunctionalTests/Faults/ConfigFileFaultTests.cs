using AiProxy.FunctionalTests.Infrastructure;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>The config file deleted, truncated mid-write or corrupted while the proxy runs: the last good config stays, the fault is logged, a fixed file applies.</summary>
public sealed class ConfigFileFaultTests : IAsyncLifetime
{
    private ProxyTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1));

    public async Task DisposeAsync() => await _env.DisposeAsync();

    private int Rejections => _env.Proxy.Logs.Lines.Count(l => l.Contains("[101]", StringComparison.Ordinal));

    private async Task<string> HealthAsync() => await _env.Proxy.Client.GetStringAsync("healthz");

    /// <summary>After the fault: requests still served by the last good config; the fixed file (with a new route) applies.</summary>
    private async Task AssertLastGoodThenRecoversAsync(Func<bool> logged)
    {
        await Wait.Until(() => Task.FromResult(logged()), "the fault to be logged");
        await FaultClient.AssertServesNormallyAsync(_env.Proxy);
        Assert.Contains("\"configVersion\":1", await HealthAsync(), StringComparison.Ordinal);

        await _env.Proxy.WriteConfigAsync(FaultClient.Config(_env.Upstream.V1, ""","Retry":{"MaxAttempts":2}"""));
        await Wait.Until(async () => !(await HealthAsync()).Contains("\"configVersion\":1", StringComparison.Ordinal), "the fixed file to apply");
        await FaultClient.AssertServesNormallyAsync(_env.Proxy);
    }

    [Fact]
    public async Task ConfigFileDeleted_LastGoodConfigStays_AndARecreatedFileApplies()
    {
        File.Delete(_env.Proxy.ConfigPath);

        await AssertLastGoodThenRecoversAsync(() => _env.Proxy.Logs.Lines.Any(l => l.Contains("[104]", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ConfigFileTruncatedMidWrite_LastGoodConfigStays_AndTheCompleteFileApplies()
    {
        var before = Rejections;
        var full = FaultClient.Config(_env.Upstream.V1, ""","Retry":{"MaxAttempts":3}""");
        await _env.Proxy.WriteConfigAsync(full[..(full.Length / 2)]);

        await AssertLastGoodThenRecoversAsync(() => Rejections > before);
    }

    [Fact]
    public async Task ConfigFileCorruptedWhileRunning_LastGoodConfigStays_AndAFixedFileApplies()
    {
        var before = Rejections;
        await File.WriteAllBytesAsync(_env.Proxy.ConfigPath, [0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28, 0x00, 0x00]);

        await AssertLastGoodThenRecoversAsync(() => Rejections > before);
    }
}

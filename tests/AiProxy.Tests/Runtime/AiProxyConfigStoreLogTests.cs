using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Tests.Configuration;
using Microsoft.Extensions.Logging.Testing;

namespace AiProxy.Tests.Runtime;

/// <summary>What the config store logs when a reload is rejected or fails: paths and types, never a config value.</summary>
public sealed class AiProxyConfigStoreLogTests : IDisposable
{
    private const string Key = "sk-SENTINEL-store-3e9a61c0";
    private readonly string _path = ConfigTestFiles.Write(ConfigTestFiles.Minimal);
    private readonly FakeLogger<AiProxyConfigStore> _logger = new();
    private readonly AiProxyConfigStore _store;

    public AiProxyConfigStoreLogTests()
    {
        var loader = new ConfigLoader(_path, []);
        Assert.Empty(loader.Load(out var initial));
        _store = new AiProxyConfigStore(loader, ProviderRuntimeFactory.Offline, initial!, _logger);
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public void TryReload_KeyInWrongField_LogsPathAndProblemOnly()
    {
        File.WriteAllText(_path, ConfigTestFiles.Minimal.Replace("\"Keys\"", "\"Timeout\":\"" + Key + "\",\"Keys\"", StringComparison.Ordinal));

        _store.TryReload();

        var record = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(101, record.Id.Id);
        Assert.Contains("$.AiProxy.Providers.openai.Timeout: must be a positive duration such as 00:05:00, 300s or 5m", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", Text(record), StringComparison.Ordinal);
        Assert.Equal(1, _store.Current.Version);
    }

    [Fact]
    public void TryReload_FailsWithAMessageQuotingAValue_LogsTypeAndStackOnly()
    {
        // A failure after validation (here a subscriber) whose exception message quotes a config value.
        _store.Changed += _ => throw new InvalidOperationException("cannot use '" + Key + "'");

        _store.TryReload();

        var record = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 102);
        Assert.Contains("System.InvalidOperationException", record.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AiProxyConfigStore.Reload), record.Message, StringComparison.Ordinal);
        Assert.Null(record.Exception);
        Assert.DoesNotContain("SENTINEL", Text(record), StringComparison.Ordinal);
    }

    private static string Text(FakeLogRecord record)
        => record.Message + " " + record.Exception + " " + string.Join(" ", record.StructuredState?.Select(kv => kv.Key + "=" + kv.Value) ?? []);
}

using AiProxy.Clients;
using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Tests.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.Tests.Runtime;

public sealed class ConfigWatchServiceTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly string _path;
    private readonly string _keyDir = Directory.CreateTempSubdirectory("aiproxy-client-keys-").FullName;
    private readonly AiProxyConfigStore _store;
    private readonly ConfigWatchService _service;
    private readonly List<bool> _attempts = [];

    public ConfigWatchServiceTests()
    {
        File.WriteAllText(Path.Combine(_keyDir, "key"), "sk-client-one\n");
        _path = ConfigTestFiles.Write(Config("a"));
        var loader = new ConfigLoader(_path, []);
        Assert.Empty(loader.Load(out var initial));
        _store = new AiProxyConfigStore(loader, ProviderRuntimeFactory.Offline, initial!, NullLogger<AiProxyConfigStore>.Instance);
        _store.ReloadAttempted += success =>
        {
            lock (_attempts)
            {
                _attempts.Add(success);
            }
        };
        _service = new ConfigWatchService(_store, TimeProvider.System, NullLogger<ConfigWatchService>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
        _store.Dispose();
        Directory.Delete(_keyDir, recursive: true);
    }

    [Fact]
    public async Task ValidEdit_AfterStart_ReloadsOnce()
    {
        await _service.StartAsync(CancellationToken.None);

        // Replaced in one step, as editors and Kubernetes do: a plain rewrite can be seen half-written (an invalid attempt).
        var next = _path + ".next";
        File.WriteAllText(next, Config("b"));
        File.Move(next, _path, overwrite: true);

        // The store publishes the new snapshot before it reports the attempt: wait for both.
        await UntilAsync(() => _store.Current.Version == 2 && Attempts().Count > 0);
        Assert.Equal("b", _store.Current.Routes.Routes[0].Name);
        Assert.Equal([true], Attempts());
    }

    [Fact]
    public async Task InvalidEdit_IsRejectedAndLastGoodConfigStays()
    {
        await _service.StartAsync(CancellationToken.None);

        File.WriteAllText(_path, """{"AiProxy":{"Providers":{},"Routes":[]}}""");

        await UntilAsync(() => Attempts().Count == 1);
        Assert.Equal([false], Attempts());
        Assert.Equal(1, _store.Current.Version);
    }

    [Fact]
    public async Task ClientKeyFileRotated_WithoutConfigEdit_Reloads()
    {
        await _service.StartAsync(CancellationToken.None);

        File.WriteAllText(Path.Combine(_keyDir, "key"), "sk-client-two\n");

        await UntilAsync(() => _store.Current.Version == 2);
        Assert.True(ClientTable.For(_store.Current).TryAuthenticate("sk-client-two", out _));
    }

    [Fact]
    public async Task Edit_AfterStop_IsNotApplied()
    {
        await _service.StartAsync(CancellationToken.None);
        await _service.StopAsync(CancellationToken.None);

        File.WriteAllText(_path, Config("b"));
        await Task.Delay(ConfigWatchService.Debounce * 3);

        Assert.Equal(1, _store.Current.Version);
        Assert.Empty(Attempts());
    }

    private List<bool> Attempts()
    {
        lock (_attempts)
        {
            return [.. _attempts];
        }
    }

    private string Config(string routeName) => $$$"""
        {"AiProxy":{
          "Providers":{"local":{"Type":"ollama","BaseUrl":"http://127.0.0.1:11434/v1"}},
          "Routes":[{"Name":"{{{routeName}}}","Models":["*"],"Providers":["local"]}],
          "Clients":{"team":{"Keys":["file:{{{_keyDir}}}"]}}
        }}
        """;

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(condition());
    }
}

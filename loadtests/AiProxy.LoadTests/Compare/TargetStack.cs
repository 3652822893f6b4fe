namespace AiProxy.LoadTests.Compare;

/// <summary>The processes of a comparison: mock upstream, bare YARP and AiProxy (full pipeline), each its own Release process.</summary>
internal sealed class TargetStack : IAsyncDisposable
{
    private readonly List<ChildProcess> _children = [];

    public ChildProcess Mock { get; private set; } = null!;

    public ChildProcess? Bare { get; private set; }

    public ChildProcess? AiProxy { get; private set; }

    public static async Task<TargetStack> StartAsync(bool bare, bool aiProxy, string logDir, IReadOnlyList<string>? mockArgs = null,
        IReadOnlyDictionary<string, string>? aiProxyEnv = null)
    {
        var stack = new TargetStack();
        try
        {
            stack.Mock = stack.Add(await ChildProcess.StartAsync("mock", RepoLayout.MockDll, ["--record", "false", .. mockArgs ?? []], new Dictionary<string, string>(), RepoLayout.FreePort(), "v1/models", logDir).ConfigureAwait(false));
            var upstream = stack.Mock.Url.ToString().TrimEnd('/');
            if (bare)
            {
                stack.Bare = stack.Add(await ChildProcess.StartAsync("bare-yarp", RepoLayout.BareYarpDll, ["--upstream", upstream], new Dictionary<string, string>(), RepoLayout.FreePort(), "v1/models", logDir).ConfigureAwait(false));
            }
            if (aiProxy)
            {
                var env = new Dictionary<string, string>
                {
                    ["AiProxy__Providers__mock__BaseUrl"] = upstream + "/v1",
                    ["AiProxy__Providers__flaky__BaseUrl"] = upstream + "/v1",
                    ["Logging__LogLevel__Default"] = "Warning",
                };
                foreach (var (key, value) in aiProxyEnv ?? new Dictionary<string, string>())
                {
                    env[key] = value;
                }
                stack.AiProxy = stack.Add(await ChildProcess.StartAsync("aiproxy", RepoLayout.AiProxyDll, ["--config", RepoLayout.LoadTestConfig], env, RepoLayout.FreePort(), "healthz", logDir).ConfigureAwait(false));
            }
            return stack;
        }
        catch
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private ChildProcess Add(ChildProcess child)
    {
        _children.Add(child);
        return child;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _children.Count - 1; i >= 0; i--)
        {
            await _children[i].DisposeAsync().ConfigureAwait(false);
        }
        _children.Clear();
    }
}

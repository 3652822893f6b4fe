using AiProxy.Testing;
using AiProxy.Transforms.Keys;
using static AiProxy.Transforms.Tests.Keys.KeyPoolTestHelpers;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class UpstreamKeyPoolReloadTests : IDisposable
{
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("aiproxy-keys-").FullName;
    private readonly List<string> _envVars = [];

    public void Dispose()
    {
        foreach (var name in _envVars)
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Create_FileSpec_ReadsOneKeyPerLineSkippingBlanksAndComments()
    {
        var path = Write("keys.txt", "# team keys\nsk-a\n\n  sk-b  \n# sk-commented\r\nsk-c\r\nsk-a\n");

        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "file:" + path);

        Assert.Equal(3, pool.Count);
        Assert.Equal(["sk-a", "sk-b", "sk-c"], Enumerable.Range(0, 3).Select(_ => pool.Use()));
        Assert.Empty(pool.Problems);
    }

    [Fact]
    public void Create_DirectorySpec_ReadsEveryFileIgnoringDotEntries()
    {
        var secretDir = Path.Combine(_dir, "secret");
        Directory.CreateDirectory(Path.Combine(secretDir, "..2026_01_01"));
        File.WriteAllText(Path.Combine(secretDir, "..2026_01_01", "key-1"), "sk-one\n");
        File.WriteAllText(Path.Combine(secretDir, "..2026_01_01", "key-2"), "sk-two");
        File.CreateSymbolicLink(Path.Combine(secretDir, "..data"), "..2026_01_01");
        File.CreateSymbolicLink(Path.Combine(secretDir, "key-1"), "..data/key-1");
        File.CreateSymbolicLink(Path.Combine(secretDir, "key-2"), "..data/key-2");
        File.WriteAllText(Path.Combine(secretDir, ".hidden"), "sk-hidden");

        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "file:" + secretDir);

        Assert.Equal(["sk-one", "sk-two"], Enumerable.Range(0, 2).Select(_ => pool.Use()).Order());
    }

    [Fact]
    public void Create_EnvSpec_ReadsVariable()
    {
        var name = SetEnv("sk-from-env");

        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "env:" + name, "sk-literal");

        Assert.Equal(["sk-from-env", "sk-literal"], Enumerable.Range(0, 2).Select(_ => pool.Use()));
    }

    [Fact]
    public void Acquire_UnsetEnvVariable_ReportsProviderAndVariable()
    {
        var name = "AIPROXY_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "env:" + name);

        Assert.Equal(KeyAcquireStatus.NoUsableKey, pool.Acquire(0).Status);
        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(Timeout.InfiniteTimeSpan, retryAfter);
        var problem = Assert.Single(pool.Problems);
        Assert.Equal("env:" + name, problem.Spec);
        Assert.Equal($"provider 'openai' has no usable API key: set environment variable {name}", problem.ToString());
        Assert.Equal(problem.ToString(), pool.DescribeUnavailable());
    }

    [Fact]
    public void Acquire_MissingFileAndEmptyDirectory_ReportsEveryPath()
    {
        var missing = Path.Combine(_dir, "nope", "openai");
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        File.WriteAllText(Path.Combine(empty, "..data"), "sk-ignored");

        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "file:" + missing, "file:" + empty);

        Assert.Equal(KeyAcquireStatus.NoUsableKey, pool.Acquire(0).Status);
        Assert.Equal(2, pool.Problems.Count);
        var message = pool.DescribeUnavailable();
        Assert.StartsWith("provider 'openai' has no usable API key: ", message);
        Assert.Contains(missing, message);
        Assert.Contains(empty, message);
    }

    [Fact]
    public void Create_SomeSpecsEmpty_UsesTheRestAndStillReportsProblems()
    {
        var name = "AIPROXY_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "env:" + name, "sk-literal", "   ");

        Assert.Equal("sk-literal", pool.Use());
        Assert.Equal(2, pool.Problems.Count);
        Assert.All(pool.Problems, p => Assert.DoesNotContain("sk-literal", p.ToString()));
    }

    [Fact]
    public async Task ReloadAsync_ChangedFile_KeepsStateOfUnchangedKeys()
    {
        var path = Write("keys.txt", "sk-a\nsk-b\n");
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "file:" + path);
        Assert.Equal("sk-a", pool.Answer(429, ("retry-after", "60")));
        Assert.True(pool.TryAcquire(0, out var held, out _));
        Assert.Equal("sk-b", held.Key);

        Write("keys.txt", "sk-a\nsk-c\n");
        await pool.ReloadAsync();

        Assert.Equal(2, pool.Count);
        Assert.Equal(KeyState.Cooldown, pool.StatusOf("sk-a").State);
        Assert.Equal(KeyState.Available, pool.StatusOf("sk-c").State);
        Assert.DoesNotContain(pool.GetKeyStatuses(), s => s.Fingerprint == held.Fingerprint);
        Assert.Equal("sk-c", pool.Use());
        held.Dispose();
    }

    [Fact]
    public async Task ReloadAsync_DisabledKeyWhoseSecretChanged_IsUsableAgain()
    {
        var path = Write("openai", "sk-revoked\n");
        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "file:" + path);
        pool.Answer(401);
        Assert.Equal(KeyAcquireStatus.NoUsableKey, pool.Acquire(0).Status);

        Write("openai", "sk-revoked\n# touched\n");
        await pool.ReloadAsync();
        Assert.Equal(KeyAcquireStatus.NoUsableKey, pool.Acquire(0).Status);

        Write("openai", "sk-rotated\n");
        await pool.ReloadAsync();

        Assert.Equal("sk-rotated", pool.Use());
        Assert.Equal(KeyState.Available, Assert.Single(pool.GetKeyStatuses()).State);
    }

    [Fact]
    public async Task Watcher_KubernetesSecretSwap_ReloadsWithoutExplicitCall()
    {
        // The layout the kubelet writes: openai -> ..data/openai, ..data -> ..<timestamp>; an update swaps ..data atomically.
        var mount = Directory.CreateDirectory(Path.Combine(_dir, "mount")).FullName;
        Directory.CreateDirectory(Path.Combine(mount, "..2026_01_01"));
        File.WriteAllText(Path.Combine(mount, "..2026_01_01", "openai"), "sk-old");
        File.CreateSymbolicLink(Path.Combine(mount, "..data"), "..2026_01_01");
        File.CreateSymbolicLink(Path.Combine(mount, "openai"), "..data/openai");
        using var pool = CreatePool(_time, o => o.WatchFiles = true, "file:" + Path.Combine(mount, "openai"));
        pool.Answer(401);
        var reloaded = WaitForAsync(pool, () => pool.GetKeyStatuses() is [{ State: KeyState.Available } s] && s.Fingerprint == KeyFingerprint.Compute("sk-new"));

        Directory.CreateDirectory(Path.Combine(mount, "..2026_01_02"));
        File.WriteAllText(Path.Combine(mount, "..2026_01_02", "openai"), "sk-new");
        File.CreateSymbolicLink(Path.Combine(mount, "..data_tmp"), "..2026_01_02");
        Assert.Equal(0, Rename(Path.Combine(mount, "..data_tmp"), Path.Combine(mount, "..data")));

        await reloaded;
        Assert.Equal("sk-new", pool.Use());
    }

    [Fact]
    public async Task Watcher_PlainFileRewritten_ReloadsWithoutExplicitCall()
    {
        var path = Write("keys.txt", "sk-a\n");
        using var pool = CreatePool(_time, o => o.WatchFiles = true, "file:" + path);
        var reloaded = WaitForAsync(pool, () => pool.Count == 2);

        File.AppendAllText(path, "sk-b\n");

        await reloaded;
        Assert.Equal(["sk-a", "sk-b"], Enumerable.Range(0, 2).Select(_ => pool.Use()).Order());
    }

    // File.Move follows a symlink to a directory; the kubelet uses rename(2) on the link itself.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);

    private static async Task WaitForAsync(UpstreamKeyPool pool, Func<bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler handler = (_, _) =>
        {
            if (condition())
            {
                done.TrySetResult();
            }
        };
        pool.KeysReloaded += handler;
        try
        {
            await done.Task.WaitAsync(WatchTimeout);
        }
        finally
        {
            pool.KeysReloaded -= handler;
        }
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string SetEnv(string value)
    {
        var name = "AIPROXY_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, value);
        _envVars.Add(name);
        return name;
    }
}

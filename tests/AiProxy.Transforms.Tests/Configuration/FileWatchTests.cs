using System.Runtime.InteropServices;
using AiProxy.Transforms.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.Transforms.Tests.Configuration;

public sealed class FileWatchTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);
    private readonly string _dir = Directory.CreateTempSubdirectory("aiproxy-watch-").FullName;
    private readonly FakeTimeProvider _time = new();
    private int _calls;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Change_FileRewrittenWithNewContent_CallsBack()
    {
        var path = Write("aiproxy.json", "one");
        using var watch = Watch(path);

        Write("aiproxy.json", "two");

        await UntilCalledAsync(1);
    }

    [Fact]
    public async Task Change_SameContentWrittenAgain_DoesNotCallBack()
    {
        var path = Write("aiproxy.json", "same");
        using var watch = Watch(path);

        // Rewritten the way editors and kubelet do it (a new file renamed over the old one): File.WriteAllText in place
        // truncates first, and a comparison landing between truncate and write rightly sees a change (twice).
        File.WriteAllText(path + ".tmp", "same");
        File.Move(path + ".tmp", path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        await Task.Delay(Quiet);

        Assert.Equal(0, Volatile.Read(ref _calls));
    }

    [Fact]
    public async Task Change_KubernetesDataSymlinkSwapped_CallsBack()
    {
        // The layout the kubelet writes: key -> ..data/key, ..data -> ..<timestamp>; an update renames a new link over ..data.
        var mount = Directory.CreateDirectory(Path.Combine(_dir, "mount")).FullName;
        Directory.CreateDirectory(Path.Combine(mount, "..2026_01_01"));
        File.WriteAllText(Path.Combine(mount, "..2026_01_01", "key"), "sk-old");
        File.CreateSymbolicLink(Path.Combine(mount, "..data"), "..2026_01_01");
        File.CreateSymbolicLink(Path.Combine(mount, "key"), "..data/key");
        using var watch = Watch(Path.Combine(mount, "key"));

        Directory.CreateDirectory(Path.Combine(mount, "..2026_01_02"));
        File.WriteAllText(Path.Combine(mount, "..2026_01_02", "key"), "sk-new");
        File.CreateSymbolicLink(Path.Combine(mount, "..data_tmp"), "..2026_01_02");
        Assert.Equal(0, Rename(Path.Combine(mount, "..data_tmp"), Path.Combine(mount, "..data")));

        await UntilCalledAsync(1);
    }

    [Fact]
    public async Task Change_FileAddedToWatchedFolder_CallsBack()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "keys")).FullName;
        using var watch = Watch(folder);

        File.WriteAllText(Path.Combine(folder, "key-2"), "sk-2");

        await UntilCalledAsync(1);
    }

    [Fact]
    public async Task Change_WithDebounce_WaitsForTheClock()
    {
        var path = Write("aiproxy.json", "one");
        using var watch = Watch(path, TimeSpan.FromMilliseconds(250));

        Write("aiproxy.json", "two");
        await Task.Delay(Quiet);
        Assert.Equal(0, Volatile.Read(ref _calls));

        // The event may arrive after an advance: keep the fake clock moving until the debounce fires.
        var deadline = DateTime.UtcNow + Timeout;
        while (Volatile.Read(ref _calls) == 0 && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(20);
        }
        Assert.Equal(1, Volatile.Read(ref _calls));
    }

    [Fact]
    public async Task Dispose_ThenChange_DoesNotCallBack()
    {
        var path = Write("aiproxy.json", "one");
        var watch = Watch(path);

        watch.Dispose();
        Write("aiproxy.json", "two");
        await Task.Delay(Quiet);

        Assert.Equal(0, Volatile.Read(ref _calls));
    }

    [Fact]
    public void Create_MissingFolder_IsNotAFailure()
    {
        using var watch = Watch(Path.Combine(_dir, "absent", "key"));

        Assert.Empty(watch.Failures);
    }

    [Fact]
    public async Task Change_HandlerThrows_KeepsWatching()
    {
        var path = Write("aiproxy.json", "one");
        using var watch = new FileWatch([path], () =>
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("boom");
        }, TimeSpan.Zero, _time, NullLogger.Instance);

        Write("aiproxy.json", "two");
        await UntilCalledAsync(1);
        Write("aiproxy.json", "three");

        await UntilCalledAsync(2);
    }

    // File.Move follows a symlink to a directory; the kubelet uses rename(2) on the link itself.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);

    private FileWatch Watch(string path, TimeSpan debounce = default)
        => new([path], () => Interlocked.Increment(ref _calls), debounce, _time, NullLogger.Instance);

    private async Task UntilCalledAsync(int count)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (Volatile.Read(ref _calls) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(count, Volatile.Read(ref _calls));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}

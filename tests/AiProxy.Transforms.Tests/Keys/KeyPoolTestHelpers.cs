using AiProxy.Testing;
using AiProxy.Transforms.Keys;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Transforms.Tests.Keys;

internal static class KeyPoolTestHelpers
{
    public static UpstreamKeyPool CreatePool(FakeTimeProvider time, KeyStrategy strategy, params string[] keys)
        => CreatePool(time, o => o.Strategy = strategy, keys);

    public static UpstreamKeyPool CreatePool(FakeTimeProvider time, Action<UpstreamKeyPoolOptions>? configure, params string[] keys)
    {
        var options = new UpstreamKeyPoolOptions { Keys = keys, WatchFiles = false };
        configure?.Invoke(options);
        return new UpstreamKeyPool("openai", options, time);
    }

    public static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return dictionary;
    }

    /// <summary>Acquires, completes with 200 and disposes; returns the key used.</summary>
    public static string Use(this UpstreamKeyPool pool, long tokens = 0, HeaderDictionary? headers = null)
    {
        Assert.True(pool.TryAcquire(tokens, out var lease, out _));
        using (lease)
        {
            lease.Complete(200, headers ?? new HeaderDictionary());
            return lease.Key;
        }
    }

    /// <summary>Acquires, completes with <paramref name="status"/> and the headers, disposes; returns the key used.</summary>
    public static string Answer(this UpstreamKeyPool pool, int status, params (string Name, string Value)[] headers)
    {
        Assert.True(pool.TryAcquire(0, out var lease, out _));
        using (lease)
        {
            lease.Complete(status, Headers(headers));
            return lease.Key;
        }
    }

    /// <summary>Acquires, completes with <paramref name="status"/> and the error body's verdict, disposes; returns the key used.</summary>
    public static string AnswerWithBody(this UpstreamKeyPool pool, int status, string body)
    {
        Assert.True(pool.TryAcquire(0, out var lease, out _));
        using (lease)
        {
            lease.Complete(status, new HeaderDictionary(), KeyErrorClassifier.Classify(status, System.Text.Encoding.UTF8.GetBytes(body)));
            return lease.Key;
        }
    }

    public static KeyStatus StatusOf(this UpstreamKeyPool pool, string key)
        => pool.GetKeyStatuses().Single(s => s.Fingerprint == KeyFingerprint.Compute(key));
}

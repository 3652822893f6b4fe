using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Transforms.Keys;

/// <summary>The right to send one upstream request with a pool key; report the outcome, then dispose it.</summary>
/// <remarks>
/// The key counts as in flight until <see cref="Dispose"/>, so keep the lease through the whole response body (streams included).
/// <see cref="ToString"/> returns the fingerprint; the secret is only available through <see cref="Key"/>.
/// </remarks>
public sealed class KeyLease : IDisposable
{
    private readonly UpstreamKeyPool _pool;
    private readonly KeyEntry _entry;
    private readonly long _reservedTokens;
    private readonly long _windowStart;
    private readonly bool _isProbe;
    private int _reported;
    private int _settled;
    private int _disposed;

    internal KeyLease(UpstreamKeyPool pool, KeyEntry entry, long reservedTokens, long windowStart, bool isProbe)
    {
        _pool = pool;
        _entry = entry;
        _reservedTokens = reservedTokens;
        _windowStart = windowStart;
        _isProbe = isProbe;
    }

    /// <summary>Gets the secret to inject into the upstream request. Never log it.</summary>
    public string Key => _entry.Secret;

    /// <summary>Gets the key's fingerprint for logs and metrics.</summary>
    public string Fingerprint => _entry.Fingerprint;

    /// <summary>Reports the upstream answer from the upstream response headers; only the first Complete or Fail counts.</summary>
    /// <remarks>Without the body, a 403 counts as a request error and a 429 as throttling; pass the classified error when the body was read.</remarks>
    public void Complete(int statusCode, HttpResponseHeaders? headers, long? actualTokens = null)
        => CompleteCore(statusCode, KeyErrorClassifier.Classify(statusCode, default), new ResponseHeaderReader(headers), actualTokens);

    /// <summary>Reports the upstream answer and what its body says about the key (see <see cref="KeyErrorClassifier"/>); only the first Complete or Fail counts.</summary>
    public void Complete(int statusCode, HttpResponseHeaders? headers, KeyErrorKind error)
        => CompleteCore(statusCode, error, new ResponseHeaderReader(headers), null);

    /// <summary>Reports the upstream answer from an ASP.NET Core header dictionary; only the first Complete or Fail counts.</summary>
    public void Complete(int statusCode, IHeaderDictionary? headers, long? actualTokens = null)
        => CompleteCore(statusCode, KeyErrorClassifier.Classify(statusCode, default), new ResponseHeaderReader(headers), actualTokens);

    /// <summary>Reports the upstream answer from an ASP.NET Core header dictionary with its classified error; only the first Complete or Fail counts.</summary>
    public void Complete(int statusCode, IHeaderDictionary? headers, KeyErrorKind error)
        => CompleteCore(statusCode, error, new ResponseHeaderReader(headers), null);

    /// <summary>Reports that no answer came (connect error, timeout); it feeds the key's circuit breaker.</summary>
    public void Fail()
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _pool.OnFailure(_entry, _isProbe);
        }
    }

    /// <summary>Replaces the token estimate reserved at acquire time with the real usage (e.g. from a stream's final usage chunk); only the first report counts.</summary>
    public void ReportUsage(long actualTokens)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _entry.SettleTokens(_windowStart, _reservedTokens, Math.Max(0, actualTokens));
        }
    }

    /// <summary>Releases the key's in-flight slot; later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _entry.Release(_isProbe, Volatile.Read(ref _reported) != 0);
        }
    }

    /// <summary>Returns the key's fingerprint.</summary>
    public override string ToString() => Fingerprint;

    private void CompleteCore(int statusCode, KeyErrorKind error, in ResponseHeaderReader headers, long? actualTokens)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _pool.OnResponse(_entry, statusCode, error, headers, _isProbe);
        }

        if (actualTokens is long tokens)
        {
            ReportUsage(tokens);
        }
    }
}

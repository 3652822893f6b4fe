using System.Buffers;
using System.Text.Json;

namespace AiProxy.Streaming;

/// <summary>
/// Reads the token usage of a non-streaming answer into the request: keeps a pooled copy of the body (up to a bound) and
/// reads its <c>usage</c> once the body ended. A larger body is not metered and <see cref="Overflowed"/> tells so.
/// </summary>
internal sealed class JsonUsageMeter : IDisposable
{
    private readonly IUpstreamResponseFeature _request;
    private readonly int _maxCopy;
    private byte[]? _copy;
    private int _length;

    public JsonUsageMeter(IUpstreamResponseFeature request, int maxCopy)
    {
        _request = request;
        _maxCopy = maxCopy;
    }

    /// <summary>Gets a value indicating whether the body outgrew the bound (its usage is not read).</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Keeps one chunk of the body.</summary>
    public void OnData(ReadOnlySpan<byte> chunk)
    {
        if (Overflowed)
        {
            return;
        }
        if (_length + chunk.Length > _maxCopy)
        {
            Overflowed = true;
            return;
        }
        if (_copy is null || _copy.Length < _length + chunk.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + chunk.Length, Math.Min(_maxCopy, (_copy?.Length ?? 2048) * 2)));
            if (_copy is not null)
            {
                _copy.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_copy);
            }
            _copy = bigger;
        }
        chunk.CopyTo(_copy.AsSpan(_length));
        _length += chunk.Length;
    }

    /// <summary>Reads the usage of the whole body.</summary>
    public void OnEnded()
    {
        if (!Overflowed && _copy is not null && TokenUsage.TryRead(_copy.AsSpan(0, _length), out var usage))
        {
            _request.Usage = usage;
        }
    }

    /// <summary>Returns whether the whole body is one well-formed JSON value (false after an overflow).</summary>
    public bool IsWellFormedJson()
    {
        if (Overflowed || _copy is null)
        {
            return false;
        }
        var reader = new Utf8JsonReader(_copy.AsSpan(0, _length));
        try
        {
            if (!reader.Read())
            {
                return false;
            }
            reader.Skip();
            return !reader.Read(); // only blanks may follow the value; anything else throws
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_copy is not null)
        {
            ArrayPool<byte>.Shared.Return(_copy);
            _copy = null;
        }
    }
}

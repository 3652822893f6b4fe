using System.Collections.Concurrent;

namespace AiProxy.Caching;

/// <summary>Cacheable requests currently being answered upstream, by cache key: identical requests follow them instead of calling upstream.</summary>
internal sealed class InFlightResponses
{
    private readonly ConcurrentDictionary<string, ResponseRecording> _flights = new(StringComparer.Ordinal);

    /// <summary>Gets the number of flights (for tests).</summary>
    public int Count => _flights.Count;

    /// <summary>Registers <paramref name="recording"/> as the leader for <paramref name="key"/>, or returns the flight already running.</summary>
    public bool TryLead(string key, ResponseRecording recording, out ResponseRecording existing)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out existing!))
            {
                return false;
            }
            if (_flights.TryAdd(key, recording))
            {
                existing = recording;
                return true;
            }
        }
    }

    public void Remove(string key, ResponseRecording recording)
        => _flights.TryRemove(new KeyValuePair<string, ResponseRecording>(key, recording));
}

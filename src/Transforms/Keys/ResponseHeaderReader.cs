using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Transforms.Keys;

/// <summary>Reads single header values from either header collection without allocating a wrapper.</summary>
internal readonly struct ResponseHeaderReader
{
    private readonly HttpResponseHeaders? _upstream;
    private readonly IHeaderDictionary? _dictionary;

    public ResponseHeaderReader(HttpResponseHeaders? upstream)
    {
        _upstream = upstream;
        _dictionary = null;
    }

    public ResponseHeaderReader(IHeaderDictionary? dictionary)
    {
        _upstream = null;
        _dictionary = dictionary;
    }

    public string? Get(string name)
    {
        if (_upstream is not null)
        {
            // NonValidated skips HttpClient's typed parsing (retry-after would otherwise be reformatted).
            if (_upstream.NonValidated.TryGetValues(name, out var values))
            {
                foreach (var value in values)
                {
                    return value;
                }
            }
            return null;
        }

        if (_dictionary is not null && _dictionary.TryGetValue(name, out var values2) && values2.Count > 0)
        {
            return values2[0];
        }

        return null;
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Caching.Hybrid;

/// <summary>
/// Resolves a serializer per type once: built-ins for <see cref="string"/>, <see cref="byte"/>[] and <see cref="ReadOnlyMemory{T}"/>,
/// then a DI-registered <see cref="IHybridCacheSerializer{T}"/>, then the last registered <see cref="IHybridCacheSerializerFactory"/>
/// that accepts the type, then System.Text.Json.
/// </summary>
internal sealed class HybridCacheSerializerRegistry
{
    private readonly IServiceProvider _services;
    private readonly IHybridCacheSerializerFactory[] _factories;
    private readonly ConcurrentDictionary<Type, object> _serializers = new();

    public HybridCacheSerializerRegistry(IServiceProvider services)
    {
        _services = services;
        _factories = services.GetServices<IHybridCacheSerializerFactory>().Reverse().ToArray();
    }

    public IHybridCacheSerializer<T> Get<T>()
    {
        if (typeof(T) == typeof(string)) return (IHybridCacheSerializer<T>)(object)StringSerializer.Instance;
        if (typeof(T) == typeof(byte[])) return (IHybridCacheSerializer<T>)(object)ByteArraySerializer.Instance;
        if (typeof(T) == typeof(ReadOnlyMemory<byte>)) return (IHybridCacheSerializer<T>)(object)ReadOnlyMemorySerializer.Instance;
        return (IHybridCacheSerializer<T>)_serializers.GetOrAdd(typeof(T), static (_, self) => self.Resolve<T>(), this);
    }

    private IHybridCacheSerializer<T> Resolve<T>()
    {
        if (_services.GetService<IHybridCacheSerializer<T>>() is { } registered)
        {
            return registered;
        }
        foreach (var factory in _factories)
        {
            if (factory.TryCreateSerializer<T>(out var created))
            {
                return created;
            }
        }
        return JsonHybridCacheSerializer<T>.Instance;
    }
}

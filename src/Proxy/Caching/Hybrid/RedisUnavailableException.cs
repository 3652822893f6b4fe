namespace AiProxy.Caching.Hybrid;

/// <summary>Thrown by <see cref="RedisDistributedCache"/> when Redis is not connected, so callers count it as a failure and back off.</summary>
internal sealed class RedisUnavailableException : Exception
{
    public RedisUnavailableException()
        : base("Redis is not connected.")
    {
    }
}

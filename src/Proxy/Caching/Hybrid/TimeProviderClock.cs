using Microsoft.Extensions.Internal;

namespace AiProxy.Caching.Hybrid;

/// <summary>Lets <c>MemoryCache</c> expire entries on the injected <see cref="TimeProvider"/> (it predates TimeProvider).</summary>
internal sealed class TimeProviderClock(TimeProvider timeProvider) : ISystemClock
{
    public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
}

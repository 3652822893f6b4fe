using Microsoft.Extensions.Logging;

namespace AiProxy.MockUpstream;

/// <summary>Process-wide defaults of the mock upstream; request headers and <see cref="Behavior"/> override them per request.</summary>
public sealed class MockUpstreamOptions
{
    /// <summary>Number of content chunks per completion (stream events, and <c>completion_tokens</c>).</summary>
    /// <value>5</value>
    public int Chunks { get; set; } = 5;

    /// <summary>Delay before each content chunk of a stream.</summary>
    /// <value><see cref="TimeSpan.Zero"/></value>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Delay before the response headers are sent.</summary>
    /// <value><see cref="TimeSpan.Zero"/></value>
    public TimeSpan Delay { get; set; }

    /// <summary>Fraction (0..1) of requests answered with 500 <c>server_error</c>, for load tests.</summary>
    /// <value>0</value>
    public double FailRate { get; set; }

    /// <summary>When greater than zero, the assistant text is this many ASCII bytes instead of the default sentence.</summary>
    /// <value>0</value>
    public int ContentBytes { get; set; }

    /// <summary>Upstream keys accepted in <c>Authorization: Bearer</c> or <c>api-key</c>; when empty any key (or none) is accepted.</summary>
    /// <value>empty</value>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>Model ids listed by <c>GET /v1/models</c>.</summary>
    public IList<string> Models { get; } = ["gpt-4o-mini", "gpt-4o", "o3-mini", "text-embedding-3-small", "mock-model"];

    /// <summary>Whether every request is kept in the request log (turn off for long load tests).</summary>
    /// <value>true</value>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Minimum level of the host's logs.</summary>
    /// <value><see cref="LogLevel.Warning"/></value>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>Clock used for timestamps, delays and <c>created</c> fields.</summary>
    /// <value><see cref="TimeProvider.System"/></value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Per-request script: return a <see cref="MockBehavior"/> to override what headers and defaults decide, or <see langword="null"/> to keep them.</summary>
    public Func<MockRequest, MockBehavior?>? Behavior { get; set; }
}

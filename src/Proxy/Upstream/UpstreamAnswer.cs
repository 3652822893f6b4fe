using AiProxy.Transforms.Keys;

namespace AiProxy.Upstream;

/// <summary>The upstream's answer to one attempt as seen when its status arrived (before any body byte is copied).</summary>
/// <param name="Status">The upstream status code; 0 when no answer came (connect error, timeout).</param>
/// <param name="RetryRequested">Whether the body copy was suppressed so that the next attempt can run.</param>
/// <param name="Error">What the answer says about the key (a rejected key, quota, throttling, or a request-scoped 403).</param>
internal readonly record struct UpstreamAnswer(int Status, bool RetryRequested, KeyErrorKind Error = KeyErrorKind.None);

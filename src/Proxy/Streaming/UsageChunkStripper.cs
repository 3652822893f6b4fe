namespace AiProxy.Streaming;

/// <summary>
/// When the proxy asked for <c>include_usage</c> on the client's behalf, takes out what the client did not ask for: the
/// usage chunk (<c>"choices":[]</c> with a usage object) and the <c>"usage":null</c> field upstreams add to every other chunk.
/// Runs after <see cref="SseUsageMeter"/>, which has read the usage by then. Stateless.
/// </summary>
internal sealed class UsageChunkStripper : ISseEventObserver
{
    public static readonly UsageChunkStripper Instance = new();

    private static ReadOnlySpan<byte> NullUsage => ",\"usage\":null"u8;

    private UsageChunkStripper()
    {
    }

    public void OnStarted()
    {
    }

    public int OnEvent(Span<byte> evt)
    {
        // Ordinary chunks have choices: one scan of the event rules them out before the data line is looked for.
        if (evt.IndexOf("\"choices\":[]"u8) >= 0 && TokenUsage.TryRead(SseEvents.DataOf(evt), out _))
        {
            return 0;
        }
        var at = evt.IndexOf(NullUsage);
        if (at < 0)
        {
            return evt.Length;
        }
        evt[(at + NullUsage.Length)..].CopyTo(evt[at..]);
        return evt.Length - NullUsage.Length;
    }

    public void OnCompleted(bool success)
    {
    }
}

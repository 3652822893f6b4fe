namespace AiProxy.Streaming;

/// <summary>Hands each event the client receives to the request's answer observers (cache recording, coalescing).</summary>
internal sealed class ResponseObserverRelay : ISseEventObserver
{
    private readonly List<IUpstreamResponseObserver> _observers;

    public ResponseObserverRelay(List<IUpstreamResponseObserver> observers) => _observers = observers;

    /// <summary>The observers were started with the upstream status by the response transform.</summary>
    public void OnStarted()
    {
    }

    public int OnEvent(Span<byte> evt)
    {
        foreach (var observer in _observers)
        {
            observer.OnData(evt);
        }
        return evt.Length;
    }

    public void OnCompleted(bool success)
    {
        foreach (var observer in _observers)
        {
            observer.OnCompleted(success);
        }
    }
}

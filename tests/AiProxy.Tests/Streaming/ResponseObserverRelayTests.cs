using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class ResponseObserverRelayTests
{
    [Fact]
    public void OnEvent_HandsEachEventToEveryObserverAndKeepsIt()
    {
        RecordingObserver a = new(), b = new();
        var relay = new ResponseObserverRelay([a, b]);

        var kept = relay.OnEvent(Encoding.UTF8.GetBytes("data: 1\n\n"));
        relay.OnCompleted(false);

        Assert.Equal(9, kept);
        Assert.Equal(["data: 1\n\n"], a.Data);
        Assert.Equal(["data: 1\n\n"], b.Data);
        Assert.Equal([false], a.Completions);
        Assert.Equal([false], b.Completions);
    }
}

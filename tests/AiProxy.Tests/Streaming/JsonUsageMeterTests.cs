using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class JsonUsageMeterTests
{
    private const string Body = "{\"id\":\"1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    [Fact]
    public void OnEnded_BodyInChunks_SetsRequestUsage()
    {
        var request = new ObserverTestRequest();
        using var meter = new JsonUsageMeter(request, maxCopy: 1024);

        foreach (var part in Body.Chunk(7))
        {
            meter.OnData(Encoding.UTF8.GetBytes(part));
        }
        meter.OnEnded();

        Assert.False(meter.Overflowed);
        Assert.Equal(new TokenUsage(3, 1, 0, 4), request.Usage);
    }

    [Fact]
    public void OnEnded_BodyOverTheBound_ReadsNoUsage()
    {
        var request = new ObserverTestRequest();
        using var meter = new JsonUsageMeter(request, maxCopy: 16);

        meter.OnData(Encoding.UTF8.GetBytes(Body));
        meter.OnEnded();

        Assert.True(meter.Overflowed);
        Assert.Null(request.Usage);
    }
}

using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class SseUsageMeterTests
{
    private static int Event(ISseEventObserver observer, string text) => observer.OnEvent(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n", 3, 1, 0, 4)]
    [InlineData("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":5,\"input_tokens_details\":{\"cached_tokens\":2},\"output_tokens\":7,\"total_tokens\":12}}}\n\n", 5, 7, 2, 12)]
    public void OnEvent_UsageEvent_SetsRequestUsageAndKeepsTheEvent(string evt, long prompt, long completion, long cached, long total)
    {
        var request = new ObserverTestRequest();
        var meter = new SseUsageMeter(request);

        Assert.Equal(Encoding.UTF8.GetByteCount(evt), Event(meter, evt));
        Assert.Equal(new TokenUsage(prompt, completion, cached, total), request.Usage);
    }

    [Theory]
    [InlineData("data: {\"choices\":[{\"delta\":{}}],\"usage\":null}\n\n")]
    [InlineData("data: [DONE]\n\n")]
    [InlineData(": keep-alive\n\n")]
    public void OnEvent_NoUsage_LeavesUsageAlone(string evt)
    {
        var request = new ObserverTestRequest { Usage = new TokenUsage(1, 1, 0, 2) };

        Event(new SseUsageMeter(request), evt);

        Assert.Equal(new TokenUsage(1, 1, 0, 2), request.Usage);
    }
}

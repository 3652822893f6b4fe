using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class JsonResponseStreamTests
{
    private const string Body = "{\"id\":\"1\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    [Fact]
    public async Task ReadAsync_WholeBody_PassesThroughMetersAndCompletesObservers()
    {
        var recorder = new RecordingObserver();
        var request = new ObserverTestRequest { Observers = [recorder] };
        var stream = new JsonResponseStream(new MemoryStream(Encoding.UTF8.GetBytes(Body)), request, maxObservedBytes: 1024);

        var text = await new StreamReader(stream).ReadToEndAsync();
        stream.Dispose();

        Assert.Equal(Body, text);
        Assert.Equal(Body, string.Concat(recorder.Data));
        Assert.Equal([true], recorder.Completions);
        Assert.Equal(new TokenUsage(3, 1, 0, 4), request.Usage);
    }

    [Fact]
    public async Task ReadAsync_BodyOverTheBound_PassesThroughButIsNotASuccess()
    {
        var recorder = new RecordingObserver();
        var request = new ObserverTestRequest { Observers = [recorder] };
        var stream = new JsonResponseStream(new MemoryStream(Encoding.UTF8.GetBytes(Body)), request, maxObservedBytes: 10);

        var text = await new StreamReader(stream).ReadToEndAsync();

        Assert.Equal(Body, text);
        Assert.Equal([false], recorder.Completions);
        Assert.Null(request.Usage);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("{\"id\":\"1\",\"choices\":[")] // cut off
    [InlineData("{\"id\":\"1\"} trailing")]
    [InlineData("")]
    public async Task ReadAsync_BodyThatIsNotOneJsonValue_PassesThroughButIsNotASuccess(string body)
    {
        var recorder = new RecordingObserver();
        var request = new ObserverTestRequest { Observers = [recorder] };
        var stream = new JsonResponseStream(new MemoryStream(Encoding.UTF8.GetBytes(body)), request, maxObservedBytes: 1024);

        var text = await new StreamReader(stream).ReadToEndAsync();

        Assert.Equal(body, text);
        Assert.Equal([false], recorder.Completions);
    }
}

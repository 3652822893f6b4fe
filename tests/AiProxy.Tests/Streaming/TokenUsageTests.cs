using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class TokenUsageTests
{
    [Theory]
    [InlineData("""{"id":"x","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4}}}""", 10, 5, 4, 15)]
    [InlineData("""{"object":"list","data":[],"usage":{"prompt_tokens":7,"total_tokens":7}}""", 7, 0, 0, 7)]
    [InlineData("""{"type":"response.completed","response":{"id":"r","usage":{"input_tokens":3,"output_tokens":2,"total_tokens":5,"input_tokens_details":{"cached_tokens":1}}}}""", 3, 2, 1, 5)]
    [InlineData("""{"usage" : {"prompt_tokens":1,"completion_tokens":1}}""", 1, 1, 0, 2)]
    public void TryRead_UsageObject_ReadsCounts(string json, long prompt, long completion, long cached, long total)
    {
        Assert.True(TokenUsage.TryRead(Encoding.UTF8.GetBytes(json), out var usage));
        Assert.Equal(new TokenUsage(prompt, completion, cached, total), usage);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{"content":"hi"}}],"usage":null}""")]
    [InlineData("""{"choices":[{"delta":{"content":"the \"usage\": {\"prompt_tokens\":1}"}}]}""")]
    [InlineData("""{"type":"response.output_text.delta","delta":"x"}""")]
    [InlineData("""not json "usage":{""")]
    public void TryRead_NoUsage_ReturnsFalse(string json) => Assert.False(TokenUsage.TryRead(Encoding.UTF8.GetBytes(json), out _));
}

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
    // Fields after the usage object, and nested objects inside it that the reader must skip.
    [InlineData("""{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"completion_tokens_details":{"reasoning_tokens":1},"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":3}},"service_tier":"default","system_fingerprint":"fp"}""", 9, 2, 3, 11)]
    // Two "usage" names: the whole body is read and the top-level one wins over the nested one.
    [InlineData("""{"x":{"usage":null},"usage":{"prompt_tokens":4,"completion_tokens":1}}""", 4, 1, 0, 5)]
    [InlineData("""{"x":{"usage":{"prompt_tokens":99}},"usage":{"prompt_tokens":4,"completion_tokens":1}}""", 4, 1, 0, 5)]
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
    [InlineData("""{"id":"x","usage":{"prompt_tokens":""")]
    public void TryRead_NoUsage_ReturnsFalse(string json) => Assert.False(TokenUsage.TryRead(Encoding.UTF8.GetBytes(json), out _));
}

using System.Text;
using AiProxy.RateLimiting;

namespace AiProxy.Tests.RateLimiting;

public sealed class TokenEstimatorTests
{
    [Theory]
    // 12 chars of content -> 3 tokens, plus max_tokens.
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"Hello world!"}],"max_tokens":50}""", 100, 53)]
    // No completion budget in the body -> the default reservation.
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"Hello world!"}]}""", 100, 103)]
    // Roles, names and part types are not prompt text; array parts' text is.
    [InlineData("""{"messages":[{"role":"system","name":"x","content":"abcd"},{"role":"user","content":[{"type":"text","text":"abcdefgh"},{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}],"max_completion_tokens":10}""", 100, 13)]
    // Responses API: input string, instructions, max_output_tokens.
    [InlineData("""{"model":"o4","instructions":"abcd","input":"abcdefgh","max_output_tokens":7}""", 100, 10)]
    // Responses API input items with content parts.
    [InlineData("""{"input":[{"role":"user","content":[{"type":"input_text","text":"abcdefghijkl"}]}],"max_output_tokens":0}""", 100, 3)]
    // Legacy completions: prompt as an array of strings; 9 chars round up to 3 tokens.
    [InlineData("""{"prompt":["abcd","abcde"],"max_tokens":1}""", 100, 4)]
    // Embeddings: input as token ids counts one token each; no completion budget requested by the caller.
    [InlineData("""{"model":"e","input":[[1,2,3],[4,5]]}""", 0, 5)]
    // n multiplies the completion budget; larger of two max fields wins.
    [InlineData("""{"messages":[],"max_tokens":10,"max_completion_tokens":20,"n":3}""", 100, 60)]
    // Unknown fields, nested objects and arrays elsewhere are skipped.
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","description":"aaaaaaaaaaaaaaaa"}}],"metadata":{"content":"xxxxxxxx"},"prompt":"abcd"}""", 100, 101)]
    // Non-ASCII counts characters, not bytes.
    [InlineData("""{"prompt":"äöüß","max_tokens":0}""", 100, 1)]
    // Not an object / malformed / truncated: the budget plus whatever was counted.
    [InlineData("""[1,2,3]""", 100, 100)]
    [InlineData("""{"prompt":"abcdefgh","max_tokens":5,""", 100, 7)]
    [InlineData("", 100, 100)]
    public void Estimate_Body_ReturnsCharsOverFourPlusCompletionBudget(string json, long defaultCompletion, long expected)
    {
        Assert.Equal(expected, TokenEstimator.Estimate(Encoding.UTF8.GetBytes(json), defaultCompletion));
    }

    [Fact]
    public void Estimate_WithoutDefault_UsesDefaultCompletionTokens()
    {
        Assert.Equal(1 + TokenEstimator.DefaultCompletionTokens, TokenEstimator.Estimate("""{"prompt":"abcd"}"""u8));
    }
}

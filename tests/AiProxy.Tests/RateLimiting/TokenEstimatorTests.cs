using System.Text;
using AiProxy.Pipeline;
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
        Assert.Equal(expected, Estimate(json, defaultCompletion));
    }

    [Fact]
    public void Estimate_WithoutDefault_UsesDefaultCompletionTokens()
    {
        Assert.Equal(1 + TokenEstimator.DefaultCompletionTokens, Estimate("""{"prompt":"abcd"}""", TokenEstimator.DefaultCompletionTokens));
    }

    [Theory]
    // chars round up to tokens; token ids add one each.
    [InlineData(0, 0, null, 1, 256, 256)]
    [InlineData(1, 0, null, 1, 0, 1)]
    [InlineData(8, 3, 10L, 1, 256, 15)]
    // n multiplies the budget; n below 1 counts as 1.
    [InlineData(4, 0, 10L, 3, 256, 31)]
    [InlineData(4, 0, 10L, 0, 256, 11)]
    [InlineData(4, 0, 10L, -2, 256, 11)]
    // An explicit 0 budget is not the default.
    [InlineData(4, 0, 0L, 1, 256, 1)]
    public void Estimate_Facts_ReturnsCharsOverFourPlusTokenIdsPlusBudgetTimesN(long chars, long tokenIds, long? max, long n, long defaultCompletion, long expected)
    {
        Assert.Equal(expected, TokenEstimator.Estimate(chars, tokenIds, max, n, defaultCompletion));
    }

    [Fact]
    public void Estimate_ParsedRequest_UsesThePromptAndBudgetFacts()
    {
        RequestBodyParser.Parse(
            Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"abcdefgh"}],"input":[1,2],"max_tokens":5,"n":2}"""),
            AiOperation.ChatCompletions, out var request);

        Assert.Equal((8L, 2L, (long?)5L, 2L), (request.PromptChars, request.PromptTokenIds, request.MaxOutputTokens, request.N));
        Assert.Equal(2 + 2 + 10, TokenEstimator.Estimate(request.PromptChars, request.PromptTokenIds, request.MaxOutputTokens, request.N, 256));
    }

    /// <summary>The estimate the proxy makes: the one parse, then the estimate from its facts (malformed bodies keep what was read).</summary>
    private static long Estimate(string json, long defaultCompletion)
    {
        RequestBodyParser.Parse(Encoding.UTF8.GetBytes(json), AiOperation.ChatCompletions, out var request);
        return TokenEstimator.Estimate(request.PromptChars, request.PromptTokenIds, request.MaxOutputTokens, request.N, defaultCompletion);
    }
}

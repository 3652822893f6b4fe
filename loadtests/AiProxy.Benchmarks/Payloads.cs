using System.Text;

namespace AiProxy.Benchmarks;

/// <summary>Request and response bodies shaped like real traffic: a short chat, and a long multi-turn one with tools.</summary>
internal static class Payloads
{
    public static readonly byte[] SmallChat = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a load test."},{"role":"user","content":"Say hello in five words."}],"temperature":0}""");

    public static readonly byte[] LargeChat = Encoding.UTF8.GetBytes(BuildLarge());

    public static readonly byte[] ChatResponse = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how are you?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""");

    public static readonly byte[] ChatResponseTwoUsageNames = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","x":{"usage":null},"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how are you?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""");

    /// <summary>A streamed answer: role chunk, 20 content chunks, finish chunk, usage chunk, [DONE].</summary>
    public static readonly byte[] SseBody = Encoding.UTF8.GetBytes(BuildSse(20));

    private static string BuildLarge()
    {
        var sb = new StringBuilder("""{"model":"gpt-4o","temperature":0,"seed":7,"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],"messages":[""");
        for (var i = 0; i < 20; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append($$"""{"role":"{{(i % 2 == 0 ? "user" : "assistant")}}","content":"turn {{i}}: {{new string('x', 200)}}"}""");
        }
        return sb.Append("]}").ToString();
    }

    private static string BuildSse(int chunks)
    {
        var sb = new StringBuilder("""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}""").Append("\n\n");
        for (var i = 0; i < chunks; i++)
        {
            sb.Append($$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"word{{i}} "},"finish_reason":null}],"usage":null}""").Append("\n\n");
        }
        sb.Append("""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""").Append("\n\n");
        sb.Append($$$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":{{{chunks}}},"total_tokens":{{{12 + chunks}}}}}""").Append("\n\n");
        return sb.Append("data: [DONE]\n\n").ToString();
    }
}

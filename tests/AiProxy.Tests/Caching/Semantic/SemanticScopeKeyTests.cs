using System.Text;
using AiProxy.Caching.Semantic;
using AiProxy.Pipeline;

namespace AiProxy.Tests.Caching.Semantic;

public sealed class SemanticScopeKeyTests
{
    private const string Chat = """{"model":"gpt-4o","temperature":0,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"How do I delete a file?"}]}""";

    private static SemanticRequest Create(string body, string? client = "team-a", string route = "r", string model = "gpt-4o", AiOperation operation = AiOperation.ChatCompletions, int maxTurns = 3)
    {
        Assert.True(SemanticScopeKey.TryCreate(Encoding.UTF8.GetBytes(body), operation, client, route, model, maxTurns, out var request, out var refusal), refusal);
        return request;
    }

    private static string Refusal(string body, AiOperation operation = AiOperation.ChatCompletions, int maxTurns = 3)
    {
        Assert.False(SemanticScopeKey.TryCreate(Encoding.UTF8.GetBytes(body), operation, "c", "r", "m", maxTurns, out _, out var refusal));
        return refusal;
    }

    [Fact]
    public void TryCreate_Chat_FinalUserTurnSeparated()
    {
        var request = Create(Chat);

        Assert.Equal("How do I delete a file?", request.FinalTurn);
        Assert.Equal(64, request.Scope.Length);
    }

    [Fact]
    public void TryCreate_DifferentFinalTurnOnly_SameScope()
    {
        var other = Chat.Replace("How do I delete a file?", "How can I remove a file?", StringComparison.Ordinal);

        Assert.Equal(Create(Chat).Scope, Create(other).Scope);
    }

    [Theory]
    [InlineData("stream flag", """{"stream":true,"stream_options":{"include_usage":true},"user":"u","metadata":{"a":"b"},"model":"gpt-4o","temperature":0,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"How do I delete a file?"}]}""")]
    [InlineData("whitespace and order", """{ "temperature" : 0, "messages":[{"content":"Be brief.","role":"system"},{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"How do I delete a file?"}], "model":"other-alias"}""")]
    public void TryCreate_InertDifferences_SameScope(string why, string variant) =>
        Assert.True(Create(Chat).Scope == Create(variant).Scope, why);

    [Theory]
    [InlineData("system prompt", "Be brief.", "Be verbose.")]
    [InlineData("earlier user turn", "\"hi\"", "\"hey\"")]
    [InlineData("earlier assistant turn", "\"hello\"", "\"hello there\"")]
    [InlineData("temperature", "\"temperature\":0", "\"temperature\":0.7")]
    [InlineData("max_tokens", "\"temperature\":0", "\"temperature\":0,\"max_tokens\":5")]
    [InlineData("response_format", "\"temperature\":0", "\"temperature\":0,\"response_format\":{\"type\":\"json_object\"}")]
    [InlineData("seed", "\"temperature\":0", "\"temperature\":0,\"seed\":1")]
    public void TryCreate_AnswerChangingDifference_DifferentScope(string why, string from, string to) =>
        Assert.True(Create(Chat).Scope != Create(Chat.Replace(from, to, StringComparison.Ordinal)).Scope, why);

    [Fact]
    public void TryCreate_DifferentClientRouteModel_DifferentScopes()
    {
        var scopes = new HashSet<string>
        {
            Create(Chat).Scope,
            Create(Chat, client: "team-b").Scope,
            Create(Chat, client: null).Scope,
            Create(Chat, route: "r2").Scope,
            Create(Chat, model: "gpt-4o-mini").Scope,
        };

        Assert.Equal(5, scopes.Count);
    }

    [Theory]
    [InlineData("""{"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"hi"}]}""", SemanticReasons.Tools)]
    [InlineData("""{"model":"m","functions":[{"name":"f"}],"messages":[{"role":"user","content":"hi"}]}""", SemanticReasons.Tools)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"1"}]},{"role":"tool","tool_call_id":"1","content":"x"},{"role":"user","content":"and?"}]}""", SemanticReasons.Tools)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"http://x"}}]}]}""", SemanticReasons.NonTextContent)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA=="}}]}]}""", SemanticReasons.NonTextContent)]
    [InlineData("""{"model":"m","modalities":["text","audio"],"messages":[{"role":"user","content":"hi"}]}""", SemanticReasons.NonTextContent)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}""", SemanticReasons.NoFinalUserTurn)]
    [InlineData("""not json""", SemanticReasons.InvalidBody)]
    public void TryCreate_Ineligible_Refuses(string body, string expected) => Assert.Equal(expected, Refusal(body));

    [Fact]
    public void TryCreate_MoreUserTurnsThanMax_RefusesTooManyTurns()
    {
        Assert.Equal(SemanticReasons.TooManyTurns, Refusal(Chat, maxTurns: 1));
        Assert.Equal("How do I delete a file?", Create(Chat, maxTurns: 2).FinalTurn);
    }

    [Fact]
    public void TryCreate_TextParts_JoinedAsFinalTurn()
    {
        var request = Create("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"part one"},{"type":"text","text":"part two"}]}]}""");

        Assert.Equal("part one\npart two", request.FinalTurn);
    }

    [Fact]
    public void TryCreate_Completions_PromptIsFinalTurn()
    {
        Assert.Equal("Say hi", Create("""{"model":"m","prompt":"Say hi"}""", operation: AiOperation.Completions).FinalTurn);
        Assert.Equal(SemanticReasons.MultiplePrompts, Refusal("""{"model":"m","prompt":["a","b"]}""", AiOperation.Completions));
    }

    [Fact]
    public void TryCreate_Responses_InputAndInstructions()
    {
        var a = Create("""{"model":"m","instructions":"Be brief.","input":"What is DNS?"}""", operation: AiOperation.Responses);
        var b = Create("""{"model":"m","instructions":"Be verbose.","input":[{"role":"user","content":[{"type":"input_text","text":"What is DNS?"}]}]}""", operation: AiOperation.Responses);

        Assert.Equal("What is DNS?", a.FinalTurn);
        Assert.Equal("What is DNS?", b.FinalTurn);
        Assert.NotEqual(a.Scope, b.Scope);
        Assert.Equal(SemanticReasons.ServerSideState, Refusal("""{"model":"m","previous_response_id":"resp_1","input":"and?"}""", AiOperation.Responses));
        Assert.Equal(SemanticReasons.Tools, Refusal("""{"model":"m","input":[{"type":"function_call_output","call_id":"1","output":"x"}]}""", AiOperation.Responses));
    }

    [Fact]
    public void TryCreate_Embeddings_Unsupported() =>
        Assert.Equal(SemanticReasons.UnsupportedEndpoint, Refusal("""{"model":"m","input":"x"}""", AiOperation.Embeddings));
}

using System.Text;
using AiProxy.Pipeline;

namespace AiProxy.Tests.Pipeline;

public sealed class RequestBodyParserTests
{
    private static (RequestBodyParser.Result, ParsedRequest) Parse(string json, AiOperation operation = AiOperation.ChatCompletions)
    {
        var result = RequestBodyParser.Parse(Encoding.UTF8.GetBytes(json), operation, out var request);
        return (result, request);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[]}""", "gpt-4o", false)]
    [InlineData("""{"messages":[{"role":"user","content":"{\"model\":\"nested\"}"}],"model":"m","stream":true}""", "m", true)]
    [InlineData("""  {"stream":false,"model":"a\u00e9b"}  """, "a\u00e9b", false)]
    [InlineData("""{"metadata":{"model":"inner"},"model":"outer"}""", "outer", false)]
    public void Parse_ValidBody_FindsTopLevelFields(string json, string model, bool stream)
    {
        var (result, request) = Parse(json);

        Assert.Equal(RequestBodyParser.Result.Ok, result);
        Assert.Equal(model, request.Model);
        Assert.Equal(stream, request.Stream);
        var token = Encoding.UTF8.GetBytes(json).AsSpan(request.ModelTokenStart, request.ModelTokenLength);
        Assert.Equal((byte)'"', token[0]);
        Assert.Equal((byte)'"', token[^1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"model\":")]
    [InlineData("{\"model\":\"a\"} trailing")]
    [InlineData("{\"model\":\"a\",}")]
    [InlineData("not json")]
    [InlineData("\"model\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("[{\"model\":\"a\"}]")]
    [InlineData("{\"model\":\"a\"} {\"model\":\"b\"}")]
    [InlineData("{\"model\":\"a\" /* comment */}")]
    public void Parse_InvalidJson_ReturnsInvalidJson(string json) => Assert.Equal(RequestBodyParser.Result.InvalidJson, Parse(json).Item1);

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"model":""}""")]
    [InlineData("""{"model":42}""")]
    [InlineData("""{"model":null}""")]
    [InlineData("""{"metadata":{"model":"inner"}}""")]
    public void Parse_NoModel_ReturnsMissingModel(string json) => Assert.Equal(RequestBodyParser.Result.MissingModel, Parse(json).Item1);

    [Theory]
    // The cacheability facts (also without a model: the facts are read all the same).
    [InlineData("""{"temperature":0}""", 0.0, false, 1L, false, false)]
    [InlineData("""{"seed":3,"n":2}""", null, true, 2L, false, false)]
    [InlineData("""{"seed":null,"stream_options":{"include_usage":true}}""", null, false, 1L, true, true)]
    [InlineData("""{"stream_options":{"include_usage":false},"temperature":"0"}""", null, false, 1L, false, true)]
    [InlineData("""{ "z": 1.50, "stream": true, "model": "m", "temperature": 0.0 }""", 0.0, false, 1L, false, false)]
    [InlineData("""{"temperature":-0.0e0,"seed":"x"}""", 0.0, true, 1L, false, false)]
    [InlineData("""{"stream_options":null}""", null, false, 1L, false, true)]
    [InlineData("""{"stream_options":{"include_usage":"true"}}""", null, false, 1L, false, true)]
    // Huge numbers: n and the budget must be 64-bit integers, else they are ignored.
    [InlineData("""{"n":1e30,"temperature":1e300}""", 1e300, false, 1L, false, false)]
    [InlineData("""{"n":99999999999999999999,"seed":99999999999999999999}""", null, true, 1L, false, false)]
    [InlineData("""{"n":2.5}""", null, false, 1L, false, false)]
    // Duplicate names: the last one wins.
    [InlineData("""{"temperature":0,"temperature":0.5,"n":3,"n":1,"seed":1,"seed":null}""", 0.5, false, 1L, false, false)]
    [InlineData("""{"stream_options":{"include_usage":true},"stream_options":{}}""", null, false, 1L, false, true)]
    // Escaped names are the names they spell.
    [InlineData("""{"temp\u0065rature":0,"\u0073eed":1,"\u006e":4,"stream_opt\u0069ons":{"include_\u0075sage":true}}""", 0.0, true, 4L, true, true)]
    // Nested members of the same names do not count.
    [InlineData("""{"metadata":{"temperature":0,"seed":1,"n":5,"stream_options":{"include_usage":true}},"tools":[{"n":2}],"stream_options":{"x":{"include_usage":true}}}""", null, false, 1L, false, true)]
    public void Parse_CacheFacts(string json, double? temperature, bool seed, long n, bool includeUsage, bool hasStreamOptions)
    {
        var (_, request) = Parse(json);

        Assert.Equal((temperature, seed, n, includeUsage, hasStreamOptions),
            (request.Temperature, request.HasSeed, request.N, request.IncludeUsage, request.HasStreamOptions));
    }

    [Theory]
    [InlineData("""{"model":"m"}""", 0L, 0L, null)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"ab"}],"prompt":"cd","input":[1,2,3],"instructions":"e"}""", 5L, 3L, null)]
    [InlineData("""{"model":"m","max_tokens":10,"max_completion_tokens":20,"max_output_tokens":5}""", 0L, 0L, 20L)]
    // A duplicate budget keeps the largest; negative and non-integer budgets are ignored.
    [InlineData("""{"model":"m","max_tokens":9,"max_tokens":4,"max_completion_tokens":-1,"max_output_tokens":1e3}""", 0L, 0L, 9L)]
    [InlineData("""{"model":"m","max_tokens":99999999999999999999}""", 0L, 0L, null)]
    // Duplicate prompt fields add up (the upstream would see one; the estimate stays on the safe side).
    [InlineData("""{"model":"m","prompt":"abcd","prompt":"ef"}""", 6L, 0L, null)]
    [InlineData("""{"mess\u0061ges":[{"content":"abcd"}],"max_\u0074okens":7,"model":"m"}""", 4L, 0L, 7L)]
    // Nested prompt-like and budget-like names elsewhere are not prompt text or budget.
    [InlineData("""{"model":"m","metadata":{"prompt":"xxxx","content":"yyyy","max_tokens":3},"response_format":{"input":[1,2]}}""", 0L, 0L, null)]
    // Characters, not bytes; escapes count as sent.
    [InlineData("""{"model":"m","prompt":"äöüß"}""", 4L, 0L, null)]
    public void Parse_EstimateFacts(string json, long chars, long tokenIds, long? maxOutputTokens)
    {
        var (_, request) = Parse(json);

        Assert.Equal((chars, tokenIds, maxOutputTokens), (request.PromptChars, request.PromptTokenIds, request.MaxOutputTokens));
    }

    [Theory]
    [InlineData("""{"model":"a","model":"b"}""", "b")]
    [InlineData("""{"model":"a","model":5}""", "a")]
    [InlineData("""{"model":"a","model":{"model":"c"}}""", "a")]
    [InlineData("""{"mod\u0065l":"x"}""", "x")]
    [InlineData("""{"model":"a\"b\\c"}""", "a\"b\\c")]
    public void Parse_Model_LastTopLevelStringWins(string json, string model)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var (result, request) = Parse(json);

        Assert.Equal(RequestBodyParser.Result.Ok, result);
        Assert.Equal(model, request.Model);
        // The splice offsets cover the token as sent, escapes and quotes included.
        var token = bytes.AsSpan(request.ModelTokenStart, request.ModelTokenLength);
        Assert.Equal(model, System.Text.Json.JsonSerializer.Deserialize<string>(token));
    }

    [Fact]
    public void Parse_Ok_KeepsBodyOperationAndObjectStart()
    {
        var body = Encoding.UTF8.GetBytes("""  {"model":"m","stream":true}""");

        Assert.Equal(RequestBodyParser.Result.Ok, RequestBodyParser.Parse(body, AiOperation.Responses, out var request));
        Assert.Equal(AiOperation.Responses, request.Operation);
        Assert.Equal(2, request.BodyObjectStart);
        Assert.True(request.Body.Span.SequenceEqual(body));
        Assert.True(request.Stream);
        Assert.False(request.HasStreamOptions);
    }

    [Fact]
    public void Parse_TooDeep_ReturnsInvalidJson()
    {
        var json = """{"model":"m","x":""" + new string('[', 100) + new string(']', 100) + "}";

        Assert.Equal(RequestBodyParser.Result.InvalidJson, Parse(json).Item1);
    }
}

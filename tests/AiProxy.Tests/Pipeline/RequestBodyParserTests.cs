using System.Text;
using AiProxy.Pipeline;
using AiProxy.Routing;

namespace AiProxy.Tests.Pipeline;

public sealed class RequestBodyParserTests
{
    private static (RequestBodyParser.Result, AiRequestFeature) Parse(string json)
    {
        var route = new CompiledRoute { Name = "r", Index = 0, Models = [], Providers = [] };
        var feature = new AiRequestFeature(null!, AiOperation.ChatCompletions, route);
        return (RequestBodyParser.Parse(Encoding.UTF8.GetBytes(json), feature), feature);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[]}""", "gpt-4o", false)]
    [InlineData("""{"messages":[{"role":"user","content":"{\"model\":\"nested\"}"}],"model":"m","stream":true}""", "m", true)]
    [InlineData("""  {"stream":false,"model":"a\u00e9b"}  """, "a\u00e9b", false)]
    [InlineData("""{"metadata":{"model":"inner"},"model":"outer"}""", "outer", false)]
    public void Parse_ValidBody_FindsTopLevelFields(string json, string model, bool stream)
    {
        var (result, feature) = Parse(json);

        Assert.Equal(RequestBodyParser.Result.Ok, result);
        Assert.Equal(model, feature.Model);
        Assert.Equal(stream, feature.Stream);
        var token = Encoding.UTF8.GetBytes(json).AsSpan(feature.ModelTokenStart, feature.ModelTokenLength);
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
    public void Parse_InvalidJson_ReturnsInvalidJson(string json) => Assert.Equal(RequestBodyParser.Result.InvalidJson, Parse(json).Item1);

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"model":""}""")]
    [InlineData("""{"model":42}""")]
    public void Parse_NoModel_ReturnsMissingModel(string json) => Assert.Equal(RequestBodyParser.Result.MissingModel, Parse(json).Item1);
}

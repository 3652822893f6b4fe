using System.Text;
using System.Text.Json;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Transforms.Tests.Upstream;

public sealed class ModelRewriterTests
{
    [Theory]
    [InlineData("""{"model":"cheap","messages":[]}""", "gpt-4o-mini")]
    [InlineData("""{"messages":[{"role":"user","content":"model"}], "model" : "a\"b" ,"n":1}""", "x")]
    [InlineData("""{"model":"cheap"}""", "name with \"quotes\" and ünïcode")]
    public void Rewrite_ReplacesOnlyTheModelValue(string json, string newModel)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        int start = 0, length = 0;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("model"))
            {
                reader.Read();
                start = (int)reader.TokenStartIndex;
                length = reader.ValueSpan.Length + 2;
                break;
            }
        }

        var rewritten = ModelRewriter.Rewrite(bytes, start, length, newModel);

        using var doc = JsonDocument.Parse(rewritten);
        Assert.Equal(newModel, doc.RootElement.GetProperty("model").GetString());
        using var original = JsonDocument.Parse(bytes);
        foreach (var property in original.RootElement.EnumerateObject())
        {
            if (property.Name != "model")
            {
                Assert.Equal(property.Value.GetRawText(), doc.RootElement.GetProperty(property.Name).GetRawText());
            }
        }
    }
}

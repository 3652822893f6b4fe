using AiProxy.Routing;

namespace AiProxy.Tests.Routing;

public sealed class ModelGlobTests
{
    [Theory]
    [InlineData("gpt-*", "gpt-4o", true)]
    [InlineData("gpt-*", "GPT-4o-mini", true)]
    [InlineData("gpt-*", "o1", false)]
    [InlineData("o*", "o3-mini", true)]
    [InlineData("*", "anything/at:all", true)]
    [InlineData("llama3.?", "llama3.1", true)]
    [InlineData("llama3.?", "llama3.10", false)]
    [InlineData("*-mini", "gpt-4o-mini", true)]
    [InlineData("*-mini", "gpt-4o", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("cheap", "cheap", true)]
    [InlineData("cheap", "cheaper", false)]
    [InlineData("openai/*", "openai/gpt-4o", true)]
    public void IsMatch_Table(string pattern, string model, bool expected)
        => Assert.Equal(expected, new ModelGlob(pattern).IsMatch(model));
}

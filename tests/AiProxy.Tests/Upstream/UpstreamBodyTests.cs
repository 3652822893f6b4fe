using System.Text;
using AiProxy.Upstream;

namespace AiProxy.Tests.Upstream;

public sealed class UpstreamBodyTests
{
    [Theory]
    [InlineData("""{"model":"m","stream":true}""", """{"stream_options":{"include_usage":true},"model":"m","stream":true}""")]
    [InlineData("""  { "model":"m"}""", """  {"stream_options":{"include_usage":true}, "model":"m"}""")]
    [InlineData("""{ }""", """{"stream_options":{"include_usage":true} }""")]
    public void InsertIncludeUsage_Body_AddsTheFirstMember(string body, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        var result = UpstreamBody.InsertIncludeUsage(bytes, body.IndexOf('{'));

        Assert.Equal(expected, Encoding.UTF8.GetString(result));
    }
}

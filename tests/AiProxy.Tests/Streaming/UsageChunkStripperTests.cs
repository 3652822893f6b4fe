using System.Text;
using AiProxy.Streaming;

namespace AiProxy.Tests.Streaming;

public sealed class UsageChunkStripperTests
{
    private static string Strip(string evt)
    {
        var bytes = Encoding.UTF8.GetBytes(evt);
        var kept = UsageChunkStripper.Instance.OnEvent(bytes);
        return Encoding.UTF8.GetString(bytes, 0, kept);
    }

    [Fact]
    public void OnEvent_UsageChunk_IsDropped()
        => Assert.Equal("", Strip("data: {\"id\":\"1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n"));

    [Fact]
    public void OnEvent_NullUsageField_IsRemovedInPlace()
        => Assert.Equal("data: {\"id\":\"1\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
            Strip("data: {\"id\":\"1\",\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":null}\n\n"));

    [Theory]
    [InlineData("data: [DONE]\n\n")]
    [InlineData("data: {\"choices\":[{\"delta\":{\"content\":\"usage\"}}]}\n\n")]
    [InlineData("data: {\"choices\":[],\"note\":\"no usage\"}\n\n")]
    [InlineData(": comment\n\n")]
    public void OnEvent_OtherEvents_PassUnchanged(string evt) => Assert.Equal(evt, Strip(evt));
}

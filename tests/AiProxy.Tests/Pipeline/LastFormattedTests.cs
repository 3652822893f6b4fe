using AiProxy.Pipeline;

namespace AiProxy.Tests.Pipeline;

public sealed class LastFormattedTests
{
    [Fact]
    public void Get_SameValue_ReusesTheText_AndANewValueIsFormattedAfresh()
    {
        var calls = 0;
        var cache = new LastFormatted(v => { calls++; return "v" + v; });

        var first = cache.Get(60);
        var again = cache.Get(60);
        var other = cache.Get(59);
        var back = cache.Get(60);

        Assert.Same(first, again);
        Assert.Equal("v59", other);
        Assert.Equal("v60", back);
        Assert.Equal(3, calls);
    }
}

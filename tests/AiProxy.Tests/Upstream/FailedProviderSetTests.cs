using AiProxy.Upstream;

namespace AiProxy.Tests.Upstream;

public sealed class FailedProviderSetTests
{
    [Fact]
    public void Add_BeyondSixtyFourProviders_TracksEveryOne()
    {
        var set = new FailedProviderSet(100);
        for (var i = 0; i < 99; i++)
        {
            set.Add(i);
            set.Add(i); // twice counts once
        }

        Assert.True(set.Contains(98));
        Assert.False(set.Contains(99));
        Assert.True(set.HasUntried);
        set.Add(99);
        Assert.False(set.HasUntried);
        Assert.False(set.IsEmpty);
    }
}

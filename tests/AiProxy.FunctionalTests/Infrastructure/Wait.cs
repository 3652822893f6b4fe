namespace AiProxy.FunctionalTests.Infrastructure;

/// <summary>Bounded polling for effects that happen on another thread (file watchers, background stores).</summary>
public static class Wait
{
    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("timed out waiting for: " + what);
    }
}

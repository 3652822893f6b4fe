using AiProxy.Admission;
using AiProxy.Configuration;

namespace AiProxy.Tests.Admission;

public sealed class OverloadGateTests
{
    [Fact]
    public void TryEnter_UpToTheCap_ThenRefuses()
    {
        using var gate = new OverloadGate(new OverloadOptions { MaxConcurrent = 2 });

        Assert.True(gate.TryEnter());
        Assert.True(gate.TryEnter());
        Assert.False(gate.TryEnter());
        gate.Exit();
        Assert.True(gate.TryEnter());
    }

    [Fact]
    public async Task EnterAsync_QueueFull_RefusesAtOnce()
    {
        using var gate = new OverloadGate(new OverloadOptions { MaxConcurrent = 1, QueueLimit = 1 });
        Assert.True(gate.TryEnter());
        using var cts = new CancellationTokenSource();
        var queued = gate.EnterAsync(cts.Token).AsTask();

        var refused = await gate.EnterAsync(CancellationToken.None);

        Assert.False(refused);
        Assert.False(queued.IsCompleted);
        await cts.CancelAsync();
        Assert.False(await queued);
    }

    [Fact]
    public async Task EnterAsync_SlotFreed_WakesTheQueuedRequest()
    {
        using var gate = new OverloadGate(new OverloadOptions { MaxConcurrent = 1, QueueLimit = 5 });
        Assert.True(gate.TryEnter());
        var queued = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(queued.IsCompleted);

        gate.Exit();

        Assert.True(await queued.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(gate.TryEnter()); // the woken request holds the slot
    }

    [Fact]
    public async Task EnterAsync_Cancelled_GivesUpAndLeavesTheQueue()
    {
        using var gate = new OverloadGate(new OverloadOptions { MaxConcurrent = 1, QueueLimit = 1 });
        Assert.True(gate.TryEnter());
        using var cts = new CancellationTokenSource();
        var queued = gate.EnterAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        Assert.False(await queued.WaitAsync(TimeSpan.FromSeconds(10)));
        gate.Exit();
        // The cancelled request took no slot and left the queue: the freed slot and a queue place are both there.
        Assert.True(gate.TryEnter());
        gate.Exit();
        Assert.True(await gate.EnterAsync(CancellationToken.None));
    }
}

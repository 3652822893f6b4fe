using AiProxy.Clients;
using AiProxy.Configuration;

namespace AiProxy.Tests.Clients;

public sealed class ClientTableTests
{
    private static ClientTable Table(params (string Id, string Key)[] clients)
    {
        var options = new AiProxyOptions { Clients = [] };
        foreach (var (id, key) in clients)
        {
            options.Clients[id] = new ClientOptions { Keys = [key] };
        }
        return ClientTable.Compile(options);
    }

    private static bool Authenticate(ClientTable table, string header, out ClientIdentity client)
        => table.TryAuthenticateHeader(header, header.AsSpan("Bearer ".Length), out client);

    [Fact]
    public void TryAuthenticateHeader_SameHeaderAgain_FindsTheSameClient()
    {
        var table = Table(("team-a", "sk-team-a-key"), ("team-b", "sk-team-b-key"));
        var header = "Bearer sk-team-a-key";

        Assert.True(Authenticate(table, header, out var first));
        Assert.True(Authenticate(table, header, out var again));

        Assert.Equal("team-a", first.Id);
        Assert.Same(first, again);
    }

    [Fact]
    public void TryAuthenticateHeader_EqualTextInAnotherString_AuthenticatesByDigest()
    {
        var table = Table(("team-a", "sk-team-a-key"));
        Assert.True(Authenticate(table, "Bearer sk-team-a-key", out _));

        var copy = new string("Bearer sk-team-a-key".AsSpan());
        Assert.True(Authenticate(table, copy, out var client));
        Assert.Equal("team-a", client.Id);
    }

    [Fact]
    public void TryAuthenticateHeader_RejectedHeader_IsNotRememberedAndStaysRejected()
    {
        var table = Table(("team-a", "sk-team-a-key"));
        var wrong = "Bearer sk-team-a-kez";

        Assert.False(Authenticate(table, wrong, out var client));
        Assert.False(Authenticate(table, wrong, out _));
        Assert.Equal(ClientIdentity.AnonymousId, client.Id);
    }

    [Fact]
    public void TryAuthenticateHeader_KeyRemovedByReload_TheNewTableRejectsTheRememberedHeader()
    {
        var header = "Bearer sk-team-a-key";
        var before = Table(("team-a", "sk-team-a-key"));
        Assert.True(Authenticate(before, header, out _));

        var after = Table(("team-b", "sk-team-b-key"));

        Assert.False(Authenticate(after, header, out _));
        Assert.True(Authenticate(before, header, out _));
    }

    [Fact]
    public void TryAuthenticateHeader_MoreHeadersThanSlots_EachStillFindsItsOwnClient()
    {
        // Slot collisions replace remembered headers; a replaced one falls back to the digest, never to another client.
        var clients = Enumerable.Range(0, 50).Select(i => ($"c{i}", $"sk-client-{i:D3}")).ToArray();
        var table = Table(clients);
        var headers = Enumerable.Range(0, ClientTable.HeaderSlots * 2).Select(i => $"Bearer sk-client-{i % 50:D3}").ToArray();

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < headers.Length; i++)
            {
                Assert.True(Authenticate(table, headers[i], out var client));
                Assert.Equal($"c{i % 50}", client.Id);
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using AiProxy.Configuration;
using AiProxy.RateLimiting;
using AiProxy.RateLimiting.Budgets;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Transforms.Keys;

namespace AiProxy.Clients;

/// <summary>
/// Client keys by SHA-256 digest. Looking up the digest of the presented key and then comparing digests in
/// constant time means neither the dictionary nor the comparison leaks the secret through timing.
/// </summary>
/// <remarks>
/// Kestrel gives a keep-alive connection the same header string object while the header's bytes repeat, so the
/// header strings that authenticated are remembered by reference (<see cref="TryAuthenticateHeader"/>): a request on
/// such a connection skips the digest. A reference match is exact and constant-time; anything else takes the digest.
/// The memory is per table, so a reload that removes a key forgets its headers with the old table.
/// </remarks>
internal sealed class ClientTable
{
    private static readonly ConditionalWeakTable<AiProxySnapshot, ClientTable> BySnapshot = new();

    /// <summary>Slots of the header-reference memory (a power of two); a collision only costs a digest.</summary>
    internal const int HeaderSlots = 1024;

    private readonly Dictionary<string, (byte[] Digest, ClientIdentity Client)> _byDigest;
    private readonly AuthenticatedHeader?[] _headers = new AuthenticatedHeader?[HeaderSlots];

    private ClientTable(Dictionary<string, (byte[], ClientIdentity)> byDigest, ClientIdentity anonymous, bool requiresKey, IReadOnlyList<string> problems)
    {
        _byDigest = byDigest;
        Anonymous = anonymous;
        RequiresKey = requiresKey;
        Problems = problems;
    }

    /// <summary>Gets a value indicating whether requests must present a client key (Clients is configured).</summary>
    public bool RequiresKey { get; }

    /// <summary>Gets the identity of requests when no Clients are configured.</summary>
    public ClientIdentity Anonymous { get; }

    /// <summary>Gets clients whose keys resolved to nothing (env var unset, file missing): they cannot authenticate.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>
    /// Authenticates the key in a header value (<paramref name="key"/> is the key's part of <paramref name="header"/>),
    /// first by the header string's reference, then by digest; a header that authenticates is remembered.
    /// </summary>
    public bool TryAuthenticateHeader(string header, ReadOnlySpan<char> key, out ClientIdentity client)
    {
        ref var slot = ref _headers[RuntimeHelpers.GetHashCode(header) & (HeaderSlots - 1)];
        var known = Volatile.Read(ref slot);
        if (known is not null && ReferenceEquals(known.Header, header))
        {
            client = known.Client;
            return true;
        }
        if (!TryAuthenticate(key, out client))
        {
            return false;
        }
        Volatile.Write(ref slot, new AuthenticatedHeader(header, client));
        return true;
    }

    public bool TryAuthenticate(ReadOnlySpan<char> presentedKey, out ClientIdentity client)
    {
        client = Anonymous;
        if (presentedKey.IsEmpty || presentedKey.Length > 512)
        {
            return false;
        }
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presentedKey.Length)];
        var n = Encoding.UTF8.GetBytes(presentedKey, utf8);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(utf8[..n], digest);
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexString(digest, hex, out _);
        if (_byDigest.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hex, out var entry)
            && CryptographicOperations.FixedTimeEquals(entry.Digest, digest))
        {
            client = entry.Client;
            return true;
        }
        return false;
    }

    /// <summary>Gets the client table of a config generation (compiled on first use, then a lock-free lookup).</summary>
    public static ClientTable For(AiProxySnapshot snapshot) => BySnapshot.GetValue(snapshot, static s => Compile(s.Options));

    public static ClientTable Compile(AiProxyOptions options)
    {
        var anonymous = new ClientIdentity(ClientIdentity.AnonymousId, ToLimit(options.AnonymousRateLimit), null,
            ToBudget(options.AnonymousBudget, options.AnonymousRateLimit));
        var byDigest = new Dictionary<string, (byte[], ClientIdentity)>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (options.Clients is null)
        {
            return new ClientTable(byDigest, anonymous, requiresKey: false, problems);
        }

        foreach (var (id, client) in options.Clients)
        {
            ModelGlob[]? allowed = null;
            if (client.AllowedModels is { } models)
            {
                allowed = new ModelGlob[models.Count];
                for (var i = 0; i < allowed.Length; i++)
                {
                    allowed[i] = new ModelGlob(models[i]);
                }
            }
            var identity = new ClientIdentity(id, ToLimit(client.RateLimit), allowed, ToBudget(client.Budget, client.RateLimit),
                PriorityClassNames.Table.Parse(client.Priority, PriorityClass.Normal));
            // The same resolution as upstream keys (literal, env:NAME, file:PATH or a Secret directory).
            var keys = new List<string>();
            var remedies = new List<string>();
            foreach (var spec in client.Keys ?? [])
            {
                KeySourceResolver.Resolve(KeySpec.Parse(spec), keys, remedies);
            }
            if (keys.Count == 0)
            {
                problems.Add($"client '{id}' has no usable key: {string.Join("; or ", remedies)} (AiProxy:Clients:{id}:Keys)");
            }
            foreach (var key in keys)
            {
                var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
                byDigest.TryAdd(Convert.ToHexString(digest), (digest, identity));
            }
        }
        return new ClientTable(byDigest, anonymous, requiresKey: true, problems);
    }

    private static ClientRateLimit ToLimit(ClientRateLimitOptions? o)
        => new() { RequestsPerMinute = o?.RequestsPerMinute, TokensPerMinute = o?.TokensPerMinute, MaxConcurrent = o?.MaxConcurrent };

    private static ClientBudget ToBudget(ClientBudgetOptions? b, ClientRateLimitOptions? limits)
    {
        if (b is null && limits?.RequestsPerHour is null && limits?.RequestsPerDay is null)
        {
            return ClientBudget.None;
        }
        // The validator rejected unknown zones; a zone missing on this machine only would fall back to UTC.
        ResetTimeZones.TryFind(b?.ResetTimeZone, out var zone);
        return new ClientBudget
        {
            Zone = zone,
            RequestsPerHour = limits?.RequestsPerHour,
            RequestsPerDay = limits?.RequestsPerDay,
            TokensPerDay = b?.TokensPerDay,
            TokensPerMonth = b?.TokensPerMonth,
            NanoUsdPerDay = ClientBudget.ToNano(b?.UsdPerDay),
            NanoUsdPerMonth = ClientBudget.ToNano(b?.UsdPerMonth),
        };
    }

    private sealed record AuthenticatedHeader(string Header, ClientIdentity Client);
}

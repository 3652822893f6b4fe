using AiProxy.Transforms.Keys;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class KeyFingerprintTests
{
    [Theory]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("z")]
    [InlineData("ключ-с-юникодом")]
    public void Compute_SameKey_ReturnsStableShortHexWithoutKey(string key)
    {
        var first = KeyFingerprint.Compute(key);

        Assert.Equal(first, KeyFingerprint.Compute(key));
        Assert.Matches("^k_[0-9a-f]{8}$", first);
        Assert.DoesNotContain(key, first, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_KnownKey_ReturnsSha256Prefix()
    {
        // SHA-256("abc") = ba7816bf...
        Assert.Equal("k_ba7816bf", KeyFingerprint.Compute("abc"));
    }

    [Fact]
    public void Compute_LongKey_ReturnsSha256Prefix()
    {
        var key = new string('x', 5000);
        var expected = "k_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..8];

        Assert.Equal(expected, KeyFingerprint.Compute(key));
    }

    [Fact]
    public void Compute_DifferentKeys_ReturnsDifferentFingerprints()
    {
        Assert.NotEqual(KeyFingerprint.Compute("sk-one"), KeyFingerprint.Compute("sk-two"));
    }
}

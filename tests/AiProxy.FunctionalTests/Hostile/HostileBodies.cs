using System.Text;

namespace AiProxy.FunctionalTests.Hostile;

/// <summary>Seeded generator of hostile request bodies: mutations of a valid chat request and hand-picked shapes.</summary>
internal static class HostileBodies
{
    private const string MutationBytes = "{}[]\":,\\0aZ \u007f";

    private static readonly string[] Valid =
    [
        """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""",
        """{"model":"gpt-4o","stream":true,"temperature":0,"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]}""",
        """{"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}""",
    ];

    private static readonly string[] Shapes =
    [
        "",
        "null",
        "[]",
        "\"gpt-4o\"",
        """{"model":"gpt-4o","model":"claude-x","messages":[]}""",
        """{"model":{"nested":"gpt-4o"},"messages":[]}""",
        """{"model":"","messages":[]}""",
        """{"model":"gpt-*","messages":[]}""",
        """{"model":"../../etc/passwd","messages":[]}""",
        """{"model":"gpt-4o\u0000evil","messages":[]}""",
        """{"model":"gpt-4o","temperature":1e400,"n":-99999999999999999999,"messages":[]}""",
        """{"model":"gpt-4o","stream":"yes","stream_options":[],"messages":{}}""",
        """{"messages":[{"role":"user","content":"no model"}]}""",
        """{"model":"gpt-4o","messages":[{"role":"user","content":"\ud800"}]}""",
    ];

    public static byte[] Next(Random random, int index)
    {
        if (index < Shapes.Length)
        {
            return Encoding.UTF8.GetBytes(Shapes[index]);
        }
        return (index % 7) switch
        {
            0 => Nested(random.Next(64, 20_000)),
            1 => Truncated(random),
            2 => [.. Encoding.UTF8.GetBytes(Valid[0][..20]), 0xC3, 0x28, 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")], // not UTF-8
            _ => Mutated(random),
        };
    }

    private static byte[] Nested(int depth)
    {
        var sb = new StringBuilder("{\"model\":\"gpt-4o\",\"messages\":");
        sb.Append('[', depth).Append(']', depth).Append('}');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static byte[] Truncated(Random random)
    {
        var valid = Encoding.UTF8.GetBytes(Valid[random.Next(Valid.Length)]);
        return valid[..random.Next(1, valid.Length)];
    }

    private static byte[] Mutated(Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(Valid[random.Next(Valid.Length)]);
        var flips = random.Next(1, 6);
        for (var i = 0; i < flips; i++)
        {
            bytes[random.Next(bytes.Length)] = (byte)MutationBytes[random.Next(MutationBytes.Length)];
        }
        return bytes;
    }
}

namespace AiProxy.LoadTests.Scenarios;

/// <summary>Request bodies the scenarios send (same prompt as loadtests/bench/chat.lua, so numbers are comparable).</summary>
internal static class ChatBodies
{
    private const string Messages = "\"messages\":[{\"role\":\"system\",\"content\":\"You are a load test.\"},{\"role\":\"user\",\"content\":\"Say hello in five words.\"}]";

    /// <summary>temperature 0.7: not cacheable under the deterministic cache mode, so every call goes upstream.</summary>
    public static readonly byte[] PassThrough = LoadClient.Json("{\"model\":\"gpt-4o-mini\"," + Messages + ",\"temperature\":0.7}");

    /// <summary>temperature 0: cacheable; after one call every call is a hit.</summary>
    public static readonly byte[] Cacheable = LoadClient.Json("{\"model\":\"gpt-4o-mini\"," + Messages + ",\"temperature\":0}");

    public static readonly byte[] Stream = LoadClient.Json("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true}," + Messages + ",\"temperature\":0.7}");

    public static readonly byte[] Cheap = LoadClient.Json("{\"model\":\"cheap\"," + Messages + ",\"temperature\":0.7}");

    public static readonly byte[] StreamO3 = LoadClient.Json("{\"model\":\"o3-mini\",\"stream\":true," + Messages + ",\"temperature\":0.7}");

    public static readonly byte[] Embeddings = LoadClient.Json("{\"model\":\"text-embedding-3-small\",\"input\":[\"load test one\",\"load test two\"]}");

    public static readonly byte[] Responses = LoadClient.Json("{\"model\":\"gpt-4o\",\"input\":\"Say hello in five words.\",\"temperature\":0.7}");

    public static readonly byte[] Failover = LoadClient.Json("{\"model\":\"failover-test\"," + Messages + ",\"temperature\":0.7}");

    private const string SemanticSystem = "{\"role\":\"system\",\"content\":\"You are a helpful Linux assistant.\"}";

    /// <summary>The prompt the semantic-hit scenario primes (cacheable: temperature 0).</summary>
    public static readonly byte[] SemanticOriginal = SemanticChat("How do I delete a file in Linux?");

    /// <summary>Reworded final user turns of <see cref="SemanticOriginal"/>: every one is a semantic hit.</summary>
    public static readonly byte[][] Paraphrases =
    [
        SemanticChat("How can I remove a file on Linux?"),
        SemanticChat("how do i delete a file in linux"),
        SemanticChat("How do I delete a file in Linux, please?"),
        SemanticChat("How do you delete a file in Linux?"),
    ];

    private static byte[] SemanticChat(string prompt)
        => LoadClient.Json("{\"model\":\"gpt-4o-mini\",\"temperature\":0,\"messages\":[" + SemanticSystem + ",{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
}

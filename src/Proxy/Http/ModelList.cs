using System.Text.Json.Serialization;

namespace AiProxy.Http;

/// <summary>OpenAI's <c>GET /v1/models</c> list shape.</summary>
internal sealed class ModelList
{
    [JsonPropertyName("object")]
    public string Object => "list";

    [JsonPropertyName("data")]
    public required IReadOnlyList<ModelInfo> Data { get; init; }
}

/// <summary>One model entry as OpenAI lists it.</summary>
internal sealed class ModelInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object => "model";

    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("owned_by")]
    public required string OwnedBy { get; init; }
}

/// <summary>Body of <c>/healthz</c> and <c>/readyz</c>.</summary>
internal sealed class HealthReport
{
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("configVersion")]
    public int ConfigVersion { get; init; }

    [JsonPropertyName("redis")]
    public string? Redis { get; init; }
}

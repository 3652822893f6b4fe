using System.Text.Json.Serialization;

namespace AiProxy.Http;

/// <summary>Source-generated serializers for every payload the proxy writes itself.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAIErrorResponse))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class ProxyJsonContext : JsonSerializerContext
{
}

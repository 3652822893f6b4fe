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
    /// <summary>Gets a context that leaves quotes and apostrophes readable (error messages are read by people too).</summary>
    public static ProxyJsonContext Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}

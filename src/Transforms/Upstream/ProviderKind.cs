namespace AiProxy.Transforms.Upstream;

/// <summary>The upstream API dialect, which decides how the key is sent and how paths are mapped.</summary>
public enum ProviderKind
{
    /// <summary>api.openai.com: Bearer key, <c>{BaseUrl}/{operation}</c>.</summary>
    OpenAI,

    /// <summary>Azure OpenAI: <c>api-key</c> header, deployment path and <c>api-version</c> query.</summary>
    AzureOpenAI,

    /// <summary>OpenRouter: Bearer key plus optional <c>HTTP-Referer</c> and <c>X-Title</c>.</summary>
    OpenRouter,

    /// <summary>Ollama's OpenAI-compatible API: the key is optional and ignored.</summary>
    Ollama,

    /// <summary>Any other OpenAI-compatible server (vLLM, Groq, LM Studio, …): Bearer key when configured.</summary>
    OpenAICompatible,
}

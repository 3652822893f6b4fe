using System.Net.Http.Headers;
using System.Text;

namespace AiProxy.FunctionalTests.Caching;

/// <summary>Raw HTTP helpers for cache tests: a request body as written, the cache header, the body or its SSE events.</summary>
internal static class CacheClient
{
    public const string CacheHeader = "x-aiproxy-cache";

    public sealed record Answer(int Status, string? Cache, string ContentType, string Body)
    {
        /// <summary>Gets the SSE events (blank-line separated) of a streamed body.</summary>
        public List<string> Events => [.. Body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)];
    }

    public static async Task<Answer> PostAsync(HttpClient client, string path, string json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException)
        {
            body = "<aborted>";
        }
        return new Answer((int)response.StatusCode,
            response.Headers.TryGetValues(CacheHeader, out var values) ? string.Join(",", values) : null,
            response.Content.Headers.ContentType?.MediaType ?? "",
            body);
    }

    public static Task<Answer> ChatAsync(HttpClient client, string json, params (string Name, string Value)[] headers)
        => PostAsync(client, "v1/chat/completions", json, headers);

    public static string Chat(string content, bool stream = false, string extra = "\"temperature\":0")
        => $$"""{"model":"gpt-4o",{{(extra.Length > 0 ? extra + "," : "")}}"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{content}}"}]}""";
}

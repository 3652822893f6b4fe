using System.Text;
using AiProxy.Transforms.Keys;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class KeyErrorClassifierTests
{
    [Theory]
    // OpenAI
    [InlineData(401, """{"error":{"message":"Incorrect API key provided: sk-x.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""", KeyErrorKind.KeyRejected)]
    [InlineData(401, "", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"message":"Your account has been deactivated.","type":"invalid_request_error","code":"account_deactivated"}}""", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"message":"This API key has been revoked","type":"invalid_request_error","code":null}}""", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","param":null,"code":"unsupported_country_region_territory"}}""", KeyErrorKind.Forbidden)]
    [InlineData(403, """{"error":{"message":"Project `proj_abc` does not have access to model `o3`","type":"invalid_request_error","code":"model_not_found"}}""", KeyErrorKind.Forbidden)]
    [InlineData(403, """{"error":{"message":"You have insufficient permissions for this operation. Missing scopes: model.request.","type":"invalid_request_error","code":null}}""", KeyErrorKind.Forbidden)]
    [InlineData(429, """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""", KeyErrorKind.QuotaExhausted)]
    [InlineData(429, """{"error":{"message":"Rate limit reached for gpt-4o on requests per min (RPM): Limit 3.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""", KeyErrorKind.Throttled)]
    // Azure OpenAI
    [InlineData(401, """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}""", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"code":"AuthenticationTypeDisabled","message":"Key based authentication is disabled for this resource."}}""", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"code":"403","message":"Access denied due to Virtual Network/Firewall rules."}}""", KeyErrorKind.Forbidden)]
    [InlineData(403, """{"error":{"code":"PermissionDenied","message":"The principal lacks the required data action."}}""", KeyErrorKind.Forbidden)]
    [InlineData(429, """{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded call rate limit. Please retry after 5 seconds."}}""", KeyErrorKind.Throttled)]
    [InlineData(429, """{"error":{"code":"insufficient_quota","message":"Insufficient quota."}}""", KeyErrorKind.QuotaExhausted)]
    // OpenRouter
    [InlineData(401, """{"error":{"code":401,"message":"User not found."}}""", KeyErrorKind.KeyRejected)]
    [InlineData(402, """{"error":{"code":402,"message":"This request requires more credits"}}""", KeyErrorKind.QuotaExhausted)]
    [InlineData(403, """{"error":{"code":403,"message":"Key is disabled"}}""", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"code":403,"message":"API key disabled"}}""", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"code":403,"message":"Your chosen model requires moderation and your input was flagged","metadata":{"reasons":["x"]}}}""", KeyErrorKind.Forbidden)]
    // Not JSON, cut short, empty
    [InlineData(403, "<html><body>403 Forbidden</body></html>", KeyErrorKind.Forbidden)]
    [InlineData(403, "Invalid API key", KeyErrorKind.KeyRejected)]
    [InlineData(403, """{"error":{"message":"Your API key is inval""", KeyErrorKind.Forbidden)]
    [InlineData(429, "", KeyErrorKind.Throttled)]
    [InlineData(200, "", KeyErrorKind.None)]
    [InlineData(500, """{"error":{"code":"invalid_api_key"}}""", KeyErrorKind.None)]
    public void Classify_ProviderErrorBodies_TellKeyFromRequestErrors(int status, string body, KeyErrorKind expected)
    {
        Assert.Equal(expected, KeyErrorClassifier.Classify(status, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Classify_BodyCutAtTheReadLimit_UsesTheFieldsBeforeTheCut()
    {
        var body = """{"error":{"code":"invalid_api_key","message":"Your API key was revoked.","detail":" """ + new string('x', 20_000) + "\"}}";
        var prefix = Encoding.UTF8.GetBytes(body).AsSpan(0, KeyErrorClassifier.MaxBodyBytes);

        Assert.Equal(KeyErrorKind.KeyRejected, KeyErrorClassifier.Classify(403, prefix, complete: false));
    }

    [Theory]
    [InlineData(403, true)]
    [InlineData(429, true)]
    [InlineData(401, false)]
    [InlineData(402, false)]
    [InlineData(200, false)]
    public void NeedsBody_OnlyAnswersThatTheBodyDecides(int status, bool expected)
    {
        Assert.Equal(expected, KeyErrorClassifier.NeedsBody(status));
    }

    [Theory]
    // OpenRouter: the HTTP status as the numeric code
    [InlineData("""{"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min."}}""", 429, KeyErrorKind.Throttled)]
    [InlineData("""{"error":{"code":"429","message":"Requests have exceeded call rate limit."}}""", 429, KeyErrorKind.Throttled)]
    [InlineData("""{"error":{"code":402,"message":"Insufficient credits"}}""", 402, KeyErrorKind.QuotaExhausted)]
    [InlineData("""{"error":{"code":401,"message":"User not found."}}""", 401, KeyErrorKind.KeyRejected)]
    [InlineData("""{"error":{"code":403,"message":"Your chosen model requires moderation"}}""", 403, KeyErrorKind.Forbidden)]
    [InlineData("""{"error":{"code":502,"message":"Provider returned error"}}""", 502, KeyErrorKind.None)]
    // OpenAI names without a status
    [InlineData("""{"error":{"type":"rate_limit_exceeded","message":"slow down"}}""", 429, KeyErrorKind.Throttled)]
    [InlineData("""{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""", 429, KeyErrorKind.Throttled)]
    [InlineData("""{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}""", 429, KeyErrorKind.QuotaExhausted)]
    [InlineData("""{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}""", 401, KeyErrorKind.KeyRejected)]
    [InlineData("""{"error":{"message":"This API key has been revoked."}}""", 403, KeyErrorKind.KeyRejected)]
    // Anthropic-style envelope and the Responses error event: the outer "type":"error" says nothing
    [InlineData("""{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}""", 429, KeyErrorKind.Throttled)]
    [InlineData("""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""", 401, KeyErrorKind.KeyRejected)]
    [InlineData("""{"type":"error","error":{"type":"permission_error","message":"Your API key does not have permission to use the specified resource."}}""", 403, KeyErrorKind.Forbidden)]
    [InlineData("""{"type":"error","code":"insufficient_quota","message":"You exceeded your current quota."}""", 429, KeyErrorKind.QuotaExhausted)]
    // Nothing about the key or throughput: a provider failure, retried like a 502
    [InlineData("""{"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}""", 502, KeyErrorKind.None)]
    [InlineData("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", 502, KeyErrorKind.None)]
    [InlineData("not json", 502, KeyErrorKind.None)]
    public void InBandStatus_FirstEventErrors_ClassifyAsTheHttpAnswerTheyStandFor(string data, int expectedStatus, KeyErrorKind expectedKind)
    {
        var bytes = Encoding.UTF8.GetBytes(data);

        var status = KeyErrorClassifier.InBandStatus(bytes);

        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedKind, KeyErrorClassifier.Classify(status, bytes));
    }
}

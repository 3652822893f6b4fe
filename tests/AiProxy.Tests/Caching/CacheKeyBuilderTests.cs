using System.Text;
using AiProxy.Caching;
using AiProxy.Pipeline;

namespace AiProxy.Tests.Caching;

public sealed class CacheKeyBuilderTests
{
    private const string Baseline = """{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""";

    private static string Key(string body, string route = "r", string model = "gpt-4o", string? scope = "client-a", AiOperation operation = AiOperation.ChatCompletions)
    {
        Assert.True(CacheKeyBuilder.TryBuild(Encoding.UTF8.GetBytes(body), operation, route, model, scope, out var key));
        return key;
    }

    [Theory]
    [InlineData("reordered top-level keys", """{"messages":[{"content":"hi","role":"user"}],"tools":[{"function":{"parameters":{"properties":{"a":{"type":"string"}},"type":"object"},"name":"f"},"type":"function"}],"temperature":0,"model":"gpt-4o"}""")]
    [InlineData("whitespace", "{ \"model\" : \"gpt-4o\" ,\n \"temperature\" : 0 , \"messages\" : [ { \"role\" : \"user\" , \"content\" : \"hi\" } ],\t\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}}}] }")]
    [InlineData("0.0 temperature", """{"model":"gpt-4o","temperature":0.0,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("0e0 temperature", """{"model":"gpt-4o","temperature":0e0,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("-0 temperature", """{"model":"gpt-4o","temperature":-0,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("escaped string", """{"model":"gpt-4o","temperature":0,"messages":[{"role":"\u0075ser","content":"h\u0069"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("stream, stream_options, user, metadata, store, service_tier", """{"stream":true,"stream_options":{"include_usage":true},"user":"u1","metadata":{"k":"v"},"store":true,"service_tier":"flex","model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("different client model name (same upstream model)", """{"model":"cheap","temperature":0,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    public void TryBuild_EquivalentRequests_SameKey(string why, string variant)
    {
        Assert.True(Key(Baseline) == Key(variant), why);
    }

    [Theory]
    [InlineData("temperature", """{"model":"gpt-4o","temperature":0.2,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("message text", """{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("message order", """{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"hi"},{"role":"user","content":"again"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("tools", """{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("max_tokens", """{"model":"gpt-4o","temperature":0,"max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("an unknown field", """{"model":"gpt-4o","temperature":0,"x_new_knob":1,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    [InlineData("seed", """{"model":"gpt-4o","temperature":0,"seed":7,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}}]}""")]
    public void TryBuild_AnswerChangingDifference_DifferentKey(string why, string variant)
    {
        Assert.False(Key(Baseline) == Key(variant), why);
    }

    [Fact]
    public void TryBuild_ScopeRouteModelAndOperation_AreAllPartOfTheKey()
    {
        var key = Key(Baseline);
        Assert.NotEqual(key, Key(Baseline, scope: "client-b"));
        Assert.NotEqual(key, Key(Baseline, scope: null));
        Assert.Equal(Key(Baseline, scope: null), Key(Baseline, scope: null));
        Assert.NotEqual(key, Key(Baseline, route: "other"));
        Assert.NotEqual(key, Key(Baseline, model: "gpt-4o-mini"));
        Assert.NotEqual(key, Key(Baseline, operation: AiOperation.Responses));
        Assert.StartsWith(CacheKeyBuilder.KeyPrefix, key, StringComparison.Ordinal);
        Assert.Equal(CacheKeyBuilder.KeyPrefix.Length + 64, key.Length);
    }

    [Fact]
    public void Canonicalize_SortsKeysNormalizesNumbersAndDropsIgnoredFields()
    {
        var canonical = CacheKeyBuilder.Canonicalize(
            """{ "z": 1.50, "a": [ {"y": 1e2, "b": "\u00e9"} ], "stream": true, "model": "m", "temperature": 0.0 }"""u8,
            AiOperation.ChatCompletions, "route", "upstream", null);

        Assert.Equal("""["chat.completions","route","upstream",null,{"a":[{"b":"é","y":100}],"temperature":0,"z":1.5}]""", canonical);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("{\"a\":")]
    [InlineData("")]
    public void TryBuild_NotAnObject_False(string body)
    {
        Assert.False(CacheKeyBuilder.TryBuild(Encoding.UTF8.GetBytes(body), AiOperation.ChatCompletions, "r", "m", null, out _));
    }
}

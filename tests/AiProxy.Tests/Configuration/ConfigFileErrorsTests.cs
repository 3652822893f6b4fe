using AiProxy.Configuration;

namespace AiProxy.Tests.Configuration;

/// <summary>
/// Files the JSON configuration parser refuses, each holding a key: the error says where (line and byte, or the path
/// of a setting given twice), never the text there, which the parsers' own messages quote.
/// </summary>
public sealed class ConfigFileErrorsTests
{
    private const string Sentinel = "sk-SENTINEL-0d5f3a9c7e21b48f";

    [Theory]
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"BaseUrl\": " + Sentinel + "}}}}", 1, 42)]             // unquoted
    [InlineData("{\n  \"AiProxy\": {\n    \"Providers\": " + Sentinel + "\n  }\n}", 3, 18)]                     // unquoted, line 3
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[t" + Sentinel + "]}}}}", 1, 33)]               // looks like true
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[n" + Sentinel + "]}}}}", 1, 33)]               // looks like null
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[f" + Sentinel + "]}}}}", 1, 33)]               // looks like false
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Weight\":-" + Sentinel + "}}}}", 1, 35)]               // looks like a number
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[\"" + Sentinel + "\"\"" + Sentinel + "\"]}}}}", 1, 0)] // missing comma
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[\"" + Sentinel + "\n\"]}}}}", 1, 0)]            // raw newline in a string
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[\"" + Sentinel, 0, 0)]                         // cut off mid-key
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"Keys\":[\"\\" + Sentinel + "\"]}}}}", 1, 0)]            // bad escape
    public void InvalidJson_HoldingAKey_ReportsLineAndByteOnly(string json, int line, int atLeastByte)
    {
        var errors = new ConfigLoader(ConfigTestFiles.Write(json), []).Load(out _);

        var error = Assert.Single(errors);
        Assert.Equal("$", error.Path);
        Assert.StartsWith("the file is not valid JSON", error.Message, StringComparison.Ordinal);
        if (line > 0)
        {
            Assert.Contains($"line {line}, byte ", error.Message, StringComparison.Ordinal);
            var bytePosition = int.Parse(error.Message.Split("byte ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(bytePosition >= atLeastByte, error.Message);
        }
        AssertNoSentinel("the JSON error", error.ToString());
    }

    [Theory]
    [InlineData("{\"AiProxy\":{\"Providers\":{\"p\":{\"BaseUrl\":\"" + Sentinel + "\",\"baseurl\":\"" + Sentinel + "\"}}}}", "$.AiProxy.Providers.p.baseurl", "given twice")]
    [InlineData("{\"AiProxy\":{\"Routes\":[{\"Models\":[\"" + Sentinel + "\"]}],\"Routes\":[{\"Models\":[\"" + Sentinel + "\"]}]}}", "$.AiProxy.Routes[0].Models[0]", "given twice")]
    [InlineData("[\"" + Sentinel + "\"]", "$", "must hold a JSON object")]
    [InlineData("\"" + Sentinel + "\"", "$", "must hold a JSON object")]
    public void ValidJsonTheConfigParserRefuses_HoldingAKey_ReportsWhereOnly(string json, string path, string fragment)
    {
        var errors = new ConfigLoader(ConfigTestFiles.Write(json), []).Load(out _);

        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        AssertNoSentinel("the JSON error", error.ToString());
    }

    private static void AssertNoSentinel(string where, string text)
        => Assert.True(!text.Contains("SENTINEL", StringComparison.OrdinalIgnoreCase), $"the sentinel key leaked into {where}: {text}");
}

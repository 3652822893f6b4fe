using AiProxy.Cli;
using AiProxy.Tests.Configuration;

namespace AiProxy.Tests.Cli;

public sealed class ValidateCommandTests
{
    [Fact]
    public void Run_ValidConfig_ExitsZero()
    {
        var output = new StringWriter();

        var code = ValidateCommand.Run(["--config", ConfigTestFiles.Write(ConfigTestFiles.Minimal)], output);

        Assert.Equal(0, code);
        Assert.Contains("valid", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-literal-secret-123", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InvalidConfig_PrintsEveryErrorWithPathAndExitsOne()
    {
        var path = ConfigTestFiles.Write("""
            {"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["sk-literal-secret-123"],"Extra":true}},
             "Routes":[{"Models":["*"],"Providers":["nope"]}]}}
            """);
        var output = new StringWriter();

        var code = ValidateCommand.Run(["--config", path], output);

        Assert.Equal(1, code);
        var text = output.ToString();
        Assert.Contains("$.AiProxy.Providers.p.Extra", text, StringComparison.Ordinal);
        Assert.Contains("$.AiProxy.Routes[0].Providers[0]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-literal-secret-123", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ProviderWithoutKeyValue_WarnsWithSettingName()
    {
        var path = ConfigTestFiles.Write("""
            {"AiProxy":{"Providers":{"p":{"Type":"openai","BaseUrl":"https://x/v1","Keys":["env:AIPROXY_TEST_NOT_SET"]}},
             "Routes":[{"Models":["*"],"Providers":["p"]}]}}
            """);
        var output = new StringWriter();

        var code = ValidateCommand.Run(["--config", path], output);

        Assert.Equal(0, code);
        Assert.Contains("AIPROXY_TEST_NOT_SET", output.ToString(), StringComparison.Ordinal);
    }
}

using AiProxy.LoadTests.Cli;

namespace AiProxy.LoadTests.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_RunWithRepeatedThresholds_CollectsAll()
    {
        var cli = CommandLine.Parse(["run", "--scenario", "passthrough", "--rate", "200", "--threshold", "p99<50ms", "--threshold=fail<0.1%"]);

        Assert.Equal("run", cli.Command);
        Assert.Equal("passthrough", cli.Get("scenario"));
        Assert.Equal(200, cli.GetInt("rate"));
        Assert.Equal(["p99", "fail%"], cli.Thresholds().Select(t => t.Metric));
    }

    [Fact]
    public void Parse_QuickFlag_TakesNoValue()
    {
        var cli = CommandLine.Parse(["compare", "--quick", "--out", "/tmp/x"]);

        Assert.True(cli.Has("quick"));
        Assert.Equal("/tmp/x", cli.Get("out"));
    }

    [Fact]
    public void Parse_MissingValue_Throws() => Assert.Throws<FormatException>(() => CommandLine.Parse(["run", "--scenario"]));

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5", 1_500)]
    public void ParseDuration_Units_Converted(string text, double ms) => Assert.Equal(ms, CommandLine.ParseDuration(text).TotalMilliseconds);
}

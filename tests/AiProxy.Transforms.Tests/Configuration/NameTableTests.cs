using System.Diagnostics;
using AiProxy.Transforms.Configuration;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Transforms.Tests.Configuration;

public sealed class NameTableTests
{
    private static readonly NameTable<ProviderKind> Table = new(("openai", ProviderKind.OpenAI), ("azure-openai", ProviderKind.AzureOpenAI));

    [Theory]
    [InlineData("openai", ProviderKind.OpenAI)]
    [InlineData("Azure-OpenAI", ProviderKind.AzureOpenAI)]
    public void TryParse_ListedNameAnyCase_ReturnsValue(string name, ProviderKind expected)
    {
        Assert.True(Table.TryParse(name, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" openai")]
    [InlineData("AzureOpenAI")]
    public void TryParse_UnlistedName_ReturnsFalse(string? name)
    {
        Assert.False(Table.TryParse(name, out _));
    }

    [Fact]
    public void Names_KeepDeclarationOrder()
    {
        Assert.Equal(["openai", "azure-openai"], Table.Names);
        Assert.Equal("openai, azure-openai", Table.OneOf);
    }

    [Fact]
    public void Parse_Absent_ReturnsTheDefault()
    {
        Assert.Equal(ProviderKind.AzureOpenAI, Table.Parse(null, ProviderKind.AzureOpenAI));
    }

    [Fact]
    public void Parse_NameValidationWouldReject_IsUnreachable()
    {
        Assert.Throws<UnreachableException>(() => Table.Parse("gpt", ProviderKind.OpenAI));
        Assert.Throws<UnreachableException>(() => Table.Parse(null));
    }

    [Fact]
    public void NameOf_ValueWithoutName_Throws()
    {
        Assert.Equal("azure-openai", Table.NameOf(ProviderKind.AzureOpenAI));
        Assert.Throws<ArgumentOutOfRangeException>(() => Table.NameOf(ProviderKind.Ollama));
    }

    [Fact]
    public void ProviderKindNames_NameEveryProviderKind()
    {
        Assert.All(Enum.GetValues<ProviderKind>(), kind => Assert.NotEmpty(ProviderKindNames.Table.NameOf(kind)));
        Assert.Equal(["openai", "azure-openai", "openrouter", "ollama", "openai-compatible"], ProviderKindNames.Table.Names);
    }
}

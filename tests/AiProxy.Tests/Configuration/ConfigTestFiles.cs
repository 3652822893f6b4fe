namespace AiProxy.Tests.Configuration;

/// <summary>Writes config JSON to a temp file for loader/validator tests.</summary>
internal static class ConfigTestFiles
{
    public static string Write(string json)
    {
        var dir = Path.Combine(Path.GetTempPath(), "aiproxy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "aiproxy.json");
        File.WriteAllText(path, json);
        return path;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AiProxy.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repo root not found");
    }

    public const string Minimal = """
        {"AiProxy":{
          "Providers":{"openai":{"Type":"openai","BaseUrl":"https://api.openai.com/v1","Keys":["sk-literal-secret-123"]}},
          "Routes":[{"Models":["*"],"Providers":["openai"]}]
        }}
        """;
}

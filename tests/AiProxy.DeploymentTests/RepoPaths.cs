namespace AiProxy.DeploymentTests;

/// <summary>Locates files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string File(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "AiProxy.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"AiProxy.sln not found above {AppContext.BaseDirectory}");
    }
}

using System.Text;

namespace AiProxy.Tests.Architecture;

/// <summary>
/// The folders of src/Proxy follow the request's flow without import cycles: Configuration, Http, Redis and Streaming
/// at the bottom, then Routing, Runtime (the config generation in force), Metrics, RateLimiting, Clients, Pipeline (the
/// request context), the concern steps above it (Admission, Caching, Upstream) and Hosting composing on top.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly FolderGraph Graph = FolderGraph.Read(FolderGraph.SourceRoot());

    [Fact]
    public void FolderGraph_HasNoCycle()
    {
        var cycles = Graph.Cycles();
        var report = new StringBuilder();
        foreach (var cycle in cycles)
        {
            report.AppendLine("cycle: " + string.Join(", ", cycle.Order(StringComparer.Ordinal)));
            foreach (var from in cycle)
            {
                foreach (var to in cycle)
                {
                    if (Graph.Edges.TryGetValue(from, out var edges) && edges.TryGetValue(to, out var files))
                    {
                        report.AppendLine($"  {from} -> {to}: {string.Join(", ", files)}");
                    }
                }
            }
        }
        Assert.True(cycles.Count == 0, report.ToString());
    }

    [Theory]
    [InlineData("Hosting", "Pipeline")]
    [InlineData("Upstream", "Pipeline")]
    [InlineData("Pipeline", "Runtime")]
    [InlineData("Runtime", "Routing")]
    [InlineData("Clients", "RateLimiting")]
    public void FolderGraph_SeesKnownImports(string from, string to)
        => Assert.True(Graph.Edges.TryGetValue(from, out var edges) && edges.ContainsKey(to), $"{from} -> {to} not found: the reader misses imports");

    [Theory]
    [InlineData("Configuration")]
    [InlineData("Http")]
    [InlineData("Streaming")]
    public void BottomFolders_ImportNoOtherLayerAboveThem(string folder)
    {
        var above = Graph.Edges.TryGetValue(folder, out var edges) ? edges.Keys.Where(static f => f is not ("Http" or "Configuration")).ToList() : [];
        Assert.True(above.Count == 0, $"{folder} imports {string.Join(", ", above)}");
    }

    [Fact]
    public void SourceFiles_AreAtMost300Lines()
    {
        var root = FolderGraph.SourceRoot();
        var large = FolderGraph.SourceFiles(Path.GetDirectoryName(root)!)
            .Select(f => (File: Path.GetRelativePath(root, f), Lines: File.ReadLines(f).Count()))
            .Where(static f => f.Lines > 300)
            .Select(static f => $"{f.File}: {f.Lines}")
            .ToList();
        Assert.True(large.Count == 0, string.Join("\n", large));
    }
}

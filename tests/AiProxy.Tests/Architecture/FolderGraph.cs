using System.Text.RegularExpressions;

namespace AiProxy.Tests.Architecture;

/// <summary>
/// The import graph between the top-level folders of src/Proxy, read from the sources: a file depends on a folder when
/// it has a <c>using</c> of one of the folder's namespaces or names one of its types qualified (<c>Caching.Semantic.X</c>).
/// Comments and string literals are stripped first, so a name in a doc comment is not an import.
/// </summary>
internal sealed partial class FolderGraph
{
    private FolderGraph(Dictionary<string, Dictionary<string, SortedSet<string>>> edges) => Edges = edges;

    /// <summary>Gets, per folder, the folders it imports and the files that import them.</summary>
    public Dictionary<string, Dictionary<string, SortedSet<string>>> Edges { get; }

    public static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AiProxy.sln")))
            {
                return Path.Combine(dir.FullName, "src", "Proxy");
            }
        }
        throw new InvalidOperationException($"AiProxy.sln not found above {AppContext.BaseDirectory}");
    }

    public static IEnumerable<string> SourceFiles(string root)
        => Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    public static FolderGraph Read(string root)
    {
        var files = SourceFiles(root).Select(f => (Path: f, Folder: FolderOf(root, f), Text: Strip(File.ReadAllText(f)))).ToList();
        var namespaces = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (NamespaceDeclaration().Match(file.Text) is { Success: true } m)
            {
                (namespaces.TryGetValue(m.Groups[1].Value, out var set) ? set : namespaces[m.Groups[1].Value] = []).Add(file.Folder);
            }
        }

        var edges = new Dictionary<string, Dictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var target in Imports(file.Text, namespaces))
            {
                if (target != file.Folder)
                {
                    var to = edges.TryGetValue(file.Folder, out var t) ? t : edges[file.Folder] = new(StringComparer.Ordinal);
                    (to.TryGetValue(target, out var why) ? why : to[target] = new(StringComparer.Ordinal)).Add(Path.GetRelativePath(root, file.Path));
                }
            }
        }
        return new FolderGraph(edges);
    }

    /// <summary>Gets the strongly connected components with more than one folder (Tarjan): each one is an import cycle.</summary>
    public List<List<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(static e => e.Keys)).Distinct().Order(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!index.ContainsKey(node))
            {
                Connect(node, index, low, stack, cycles);
            }
        }
        return cycles;
    }

    private void Connect(string v, Dictionary<string, int> index, Dictionary<string, int> low, Stack<string> stack, List<List<string>> cycles)
    {
        index[v] = low[v] = index.Count;
        stack.Push(v);
        foreach (var w in Edges.TryGetValue(v, out var next) ? next.Keys : Enumerable.Empty<string>())
        {
            if (!index.ContainsKey(w))
            {
                Connect(w, index, low, stack, cycles);
                low[v] = Math.Min(low[v], low[w]);
            }
            else if (stack.Contains(w))
            {
                low[v] = Math.Min(low[v], index[w]);
            }
        }
        if (low[v] == index[v])
        {
            var component = new List<string>();
            string w;
            do
            {
                w = stack.Pop();
                component.Add(w);
            }
            while (w != v);
            if (component.Count > 1)
            {
                cycles.Add(component);
            }
        }
    }

    private static IEnumerable<string> Imports(string text, Dictionary<string, HashSet<string>> namespaces)
    {
        foreach (Match m in UsingDirective().Matches(text))
        {
            // using AiProxy.Caching.Semantic; (or an alias to a type in it): the longest declared namespace prefix.
            for (var name = m.Groups[1].Value; name.Length > 0; name = name.Contains('.') ? name[..name.LastIndexOf('.')] : "")
            {
                if (namespaces.TryGetValue(name, out var folders))
                {
                    foreach (var folder in folders)
                    {
                        yield return folder;
                    }
                    break;
                }
            }
        }
        foreach (var (ns, folders) in namespaces)
        {
            // Inside namespace AiProxy.X, "Y.Type" reaches AiProxy.Y.Type without a using.
            var shortName = ns.StartsWith("AiProxy.", StringComparison.Ordinal) ? ns["AiProxy.".Length..] : ns;
            if (Regex.IsMatch(text, @"(?<![\w.])(?:global::)?(?:" + Regex.Escape(ns) + "|" + Regex.Escape(shortName) + @")\.[A-Z]\w*"))
            {
                foreach (var folder in folders)
                {
                    yield return folder;
                }
            }
        }
    }

    private static string FolderOf(string root, string file)
    {
        var parts = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
        return parts.Length > 1 ? parts[0] : "(root)";
    }

    private static string Strip(string text) => Comment().Replace(StringLiteral().Replace(text, "\"\""), "");

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"/\*.*?\*/|//[^\n]*", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"@""(?:[^""]|"""")*""|""""""[\s\S]*?""""""|""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();
}

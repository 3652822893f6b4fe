using BenchmarkDotNet.Running;

// dotnet run -c Release --project loadtests/AiProxy.Benchmarks -- --filter '*'            (all)
// dotnet run -c Release --project loadtests/AiProxy.Benchmarks -- --filter '*' --job short (quicker, less precise)
// Results go to loadtests/results/benchmarks (gitignored) unless --artifacts says otherwise.
// Vector search: SemanticIndexBenchmarks (the embedding model is benchmarked by tests/AiProxy.SemanticEval).
if (!args.Contains("--artifacts"))
{
    var dir = new DirectoryInfo(Directory.GetCurrentDirectory());
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AiProxy.sln")))
    {
        dir = dir.Parent;
    }
    args = [.. args, "--artifacts", Path.Combine(dir?.FullName ?? ".", "loadtests", "results", "benchmarks")];
}
BenchmarkSwitcher.FromAssembly(typeof(AiProxy.Benchmarks.Payloads).Assembly).Run(args);

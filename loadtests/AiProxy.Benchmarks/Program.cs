using BenchmarkDotNet.Running;

// dotnet run -c Release --project loadtests/AiProxy.Benchmarks -- --filter '*'            (all)
// dotnet run -c Release --project loadtests/AiProxy.Benchmarks -- --filter '*' --job short (quicker, less precise)
// Vector search (semantic cache) gets its benchmark when the semantic cache lands: see loadtests/README.md.
BenchmarkSwitcher.FromAssembly(typeof(AiProxy.Benchmarks.Payloads).Assembly).Run(args);

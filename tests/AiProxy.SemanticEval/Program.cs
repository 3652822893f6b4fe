using AiProxy.Caching.Semantic;

namespace AiProxy.SemanticEval;

internal static class Program
{
    private static string FindPairs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "SemanticEval", "pairs.jsonl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/SemanticEval/pairs.jsonl not found above " + AppContext.BaseDirectory);
    }

    public static int Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "eval";
        switch (mode)
        {
            case "wrapper":
                WrapperCheck.Run();
                return 0;
            case "bench":
                return Benchmark.Run(FindPairs());
            case "embed":
                return EmbeddingBench.Run(FindPairs(), args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2);
            case "profile":
                return EmbeddingBench.Profile(FindPairs());
            case "eval-int8":
                Evaluation.Tuning = LocalEmbedderTuning.Default with { ModelTransform = WeightQuantizer.Quantize };
                return Evaluation.Run(FindPairs(), args.Length > 1 ? args[1] : null);
            case "holdout-int8":
                Evaluation.Tuning = LocalEmbedderTuning.Default with { ModelTransform = WeightQuantizer.Quantize };
                return Evaluation.Run(Path.Combine(Path.GetDirectoryName(FindPairs())!, "holdout.jsonl"), args.Length > 1 ? args[1] : null);
            case "eval":
                return Evaluation.Run(FindPairs(), args.Length > 1 ? args[1] : null);
            case "holdout":
                return Evaluation.Run(Path.Combine(Path.GetDirectoryName(FindPairs())!, "holdout.jsonl"), args.Length > 1 ? args[1] : null);
            default:
                Console.Error.WriteLine("usage: [eval|holdout|bench|embed [rounds]|wrapper] [markdown-output-path]");
                return 2;
        }
    }
}

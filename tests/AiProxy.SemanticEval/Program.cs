using AiProxy.Caching.Semantic;
using AiProxy.Configuration;

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

    /// <summary>The shipped default (int8, weight range for this CPU), the fp32 opt-out, or int8 forced to the 7-bit range.</summary>
    internal static LocalEmbedderTuning TuningOf(string mode) =>
        mode.EndsWith("-fp32", StringComparison.Ordinal) || mode == "fp32" ? LocalEmbedderTuning.Default with { Precision = LocalEmbeddingPrecision.Fp32 }
        : mode.EndsWith("-7bit", StringComparison.Ordinal) ? LocalEmbedderTuning.Default with { WeightRange = Int8WeightRange.Reduced }
        : LocalEmbedderTuning.Default;

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
            case "agree":
                return AgreementCheck.Run(FindPairs());
            case "load":
                return LoadBench.Run(args.Length > 1 ? args[1] : "int8");
            case "eval" or "eval-fp32" or "eval-7bit":
                Evaluation.Tuning = TuningOf(mode);
                return Evaluation.Run(FindPairs(), args.Length > 1 ? args[1] : null);
            case "holdout" or "holdout-fp32" or "holdout-7bit":
                Evaluation.Tuning = TuningOf(mode);
                return Evaluation.Run(Path.Combine(Path.GetDirectoryName(FindPairs())!, "holdout.jsonl"), args.Length > 1 ? args[1] : null);
            default:
                Console.Error.WriteLine("usage: [eval|eval-fp32|eval-7bit|holdout|holdout-fp32|holdout-7bit|bench|embed [rounds]|profile|load int8|int8-7bit|fp32|agree|wrapper] [markdown-output-path]");
                return 2;
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;
using AiProxy.Caching.Semantic;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.SemanticEval;

/// <summary>
/// Scores every pair with the local embedder, then prints per category: hits, recall (paraphrases) or false-hit rate
/// (near misses), precision, at several thresholds with and without guards, a threshold sweep, and an index-mode run
/// where every stored prompt competes (so the margin guard and cross-pair confusions count too).
/// </summary>
internal static class Evaluation
{
    private static readonly string[] Categories = ["paraphrase", "negation", "numbers", "entities", "ordering", "language", "unrelated"];

    /// <summary>Gets or sets the local model's settings (eval-fp32 sets the fp32 model, eval-7bit the 7-bit weight range).</summary>
    public static LocalEmbedderTuning? Tuning { get; set; }

    public static int Run(string pairsPath, string? markdownPath)
    {
        var pairs = Load(pairsPath);
        using var embedder = new LocalMiniLmEmbeddingGenerator(Tuning);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var sw = Stopwatch.StartNew();
        foreach (var p in pairs)
        {
            foreach (var t in new[] { p.A, p.B })
            {
                if (!vectors.ContainsKey(t))
                {
                    vectors[t] = embedder.Embed(t);
                }
            }
        }

        var embedMs = sw.Elapsed.TotalMilliseconds;
        var scores = new float[pairs.Count];
        var rejections = new List<string>[pairs.Count];
        var guards = new SemanticGuards(new SemanticGuardSettings());
        for (var i = 0; i < pairs.Count; i++)
        {
            scores[i] = TensorPrimitives.CosineSimilarity(vectors[pairs[i].A], vectors[pairs[i].B]);

            // Guards are symmetric in intent; the stored prompt is A and the new one B.
            rejections[i] = guards.AllRejections(pairs[i].B, pairs[i].A);
        }

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Pairs: {pairs.Count} ({Count(pairs, "paraphrase")} paraphrases, {pairs.Count - Count(pairs, "paraphrase")} near misses/unrelated); {vectors.Count} texts embedded in {embedMs:F0} ms ({embedMs / vectors.Count:F2} ms each incl. model load).");
        md.AppendLine();

        double[] thresholds = [0.80, 0.85, 0.88, 0.90, 0.92, 0.94];
        foreach (var withGuards in new[] { false, true })
        {
            md.AppendLine(withGuards ? "### With guards (negation, numbers, entities, ordering, language)" : "### Threshold only (no guards)");
            md.AppendLine();
            md.Append("| threshold | precision | paraphrase recall |");
            foreach (var c in Categories[1..])
            {
                md.Append(CultureInfo.InvariantCulture, $" {c} false hits |");
            }

            md.AppendLine();
            md.Append("|---|---|---|");
            foreach (var _ in Categories[1..])
            {
                md.Append("---|");
            }

            md.AppendLine();
            foreach (var t in thresholds)
            {
                var (tp, fp, perCategory) = Tally(pairs, scores, rejections, t, withGuards);
                var paraphrases = Count(pairs, "paraphrase");
                md.Append(CultureInfo.InvariantCulture, $"| {t:F2} | {Precision(tp, fp)} | {tp}/{paraphrases} = {100.0 * tp / paraphrases:F1}% |");
                foreach (var c in Categories[1..])
                {
                    var n = Count(pairs, c);
                    md.Append(CultureInfo.InvariantCulture, $" {perCategory[c]}/{n} ({100.0 * perCategory[c] / n:F1}%) |");
                }

                md.AppendLine();
            }

            md.AppendLine();
        }

        md.AppendLine("### Threshold sweep");
        md.AppendLine();
        md.AppendLine("| threshold | recall (no guards) | false hits (no guards) | recall (guards) | false hits (guards) |");
        md.AppendLine("|---|---|---|---|---|");
        double? best = null;
        for (var t = 0.70; t <= 0.9901; t += 0.01)
        {
            var (tp0, fp0, _) = Tally(pairs, scores, rejections, t, false);
            var (tp1, fp1, _) = Tally(pairs, scores, rejections, t, true);
            var paraphrases = Count(pairs, "paraphrase");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t:F2} | {100.0 * tp0 / paraphrases:F1}% | {fp0} | {100.0 * tp1 / paraphrases:F1}% | {fp1} |");
            if (best is null && fp1 == 0)
            {
                best = t;
            }
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Lowest threshold with 0 false hits (guards on): {best:F2}");
        md.AppendLine();

        var chosen = SemanticCacheSettings.DefaultThreshold;
        md.AppendLine(CultureInfo.InvariantCulture, $"### Guard activity at the default threshold {chosen:F2}");
        md.AppendLine();
        md.AppendLine("| category | pairs above threshold | rejected by: negation | numbers | entities | ordering | language |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in Categories)
        {
            int above = 0;
            var by = new Dictionary<string, int> { ["negation"] = 0, ["numbers"] = 0, ["entities"] = 0, ["ordering"] = 0, ["language"] = 0 };
            for (var i = 0; i < pairs.Count; i++)
            {
                if (pairs[i].Category == c && scores[i] >= chosen)
                {
                    above++;
                    foreach (var r in rejections[i])
                    {
                        by[r]++;
                    }
                }
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {above} | {by["negation"]} | {by["numbers"]} | {by["entities"]} | {by["ordering"]} | {by["language"]} |");
        }

        md.AppendLine();
        md.AppendLine(IndexMode(pairs, vectors, chosen));

        var details = new StringBuilder();
        details.AppendLine(CultureInfo.InvariantCulture, $"Paraphrases missed at {chosen:F2} (score, guards):");
        for (var i = 0; i < pairs.Count; i++)
        {
            if (pairs[i].Same && (scores[i] < chosen || rejections[i].Count > 0))
            {
                details.AppendLine(CultureInfo.InvariantCulture, $"  {scores[i]:F3} [{string.Join(",", rejections[i])}] {pairs[i].A} || {pairs[i].B}");
            }
        }

        details.AppendLine("Near misses above the threshold that no guard rejected (false hits):");
        for (var i = 0; i < pairs.Count; i++)
        {
            if (!pairs[i].Same && scores[i] >= chosen && rejections[i].Count == 0)
            {
                details.AppendLine(CultureInfo.InvariantCulture, $"  {scores[i]:F3} ({pairs[i].Category}) {pairs[i].A} || {pairs[i].B}");
            }
        }

        details.AppendLine("Highest-scoring near misses (top 10, any guard outcome):");
        var order = Enumerable.Range(0, pairs.Count).Where(i => !pairs[i].Same).OrderByDescending(i => scores[i]).Take(10);
        foreach (var i in order)
        {
            details.AppendLine(CultureInfo.InvariantCulture, $"  {scores[i]:F3} ({pairs[i].Category}) [{string.Join(",", rejections[i])}] {pairs[i].A} || {pairs[i].B}");
        }

        Console.WriteLine(md.ToString());
        Console.WriteLine(details.ToString());
        if (markdownPath is not null)
        {
            File.WriteAllText(markdownPath, md.ToString());
        }

        return 0;
    }

    /// <summary>Every distinct A is stored in one scope; each B is looked up through <see cref="SemanticCache.Match"/>.</summary>
    private static string IndexMode(List<EvalPair> pairs, Dictionary<string, float[]> vectors, double threshold)
    {
        var options = new SemanticCacheSettings { Enabled = true, Threshold = threshold };
        var index = new SemanticIndex(LocalMiniLmEmbeddingGenerator.Dimensions, options.MaxEntries, options.MaxBytes, options.Ttl, TimeProvider.System);
        var embedder = new BudgetedEmbedder(new LocalMiniLmEmbeddingGenerator(Tuning), options.EmbeddingBudget, TimeProvider.System, NullLogger<BudgetedEmbedder>.Instance);
        var cache = new SemanticCache(options, embedder, index, NullLogger<SemanticCache>.Instance);
        foreach (var a in pairs.Select(p => p.A).Distinct(StringComparer.Ordinal))
        {
            cache.Add("eval", a, vectors[a], "key:" + a);
        }

        // Texts linked by "same" pairs (transitively) are one question; a stored identical text is the right answer too.
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                x = p;
            }

            return x;
        }

        foreach (var p in pairs.Where(p => p.Same))
        {
            parent.TryAdd(p.A, p.A);
            parent.TryAdd(p.B, p.B);
            parent[Find(p.A)] = Find(p.B);
        }

        int hits = 0, correct = 0, wrong = 0, queries = 0, sameQueries = 0;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var b in pairs.Select(p => p.B).Distinct(StringComparer.Ordinal))
        {
            queries++;
            var acceptable = index.Export().Select(r => r.AnswerKey).Where(k => k == "key:" + b || Find(k[4..]) == Find(b)).ToHashSet(StringComparer.Ordinal);
            if (acceptable.Count > 0)
            {
                sameQueries++;
            }

            var result = cache.Match("eval", b, vectors[b]);
            if (result.Hit)
            {
                hits++;
                if (acceptable.Contains(result.AnswerKey!))
                {
                    correct++;
                }
                else
                {
                    wrong++;
                    Console.WriteLine($"  index-mode false hit {result.Score:F3}: {b} -> {result.AnswerKey}");
                }
            }
            else
            {
                reasons[result.Reason] = reasons.GetValueOrDefault(result.Reason) + 1;
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Index mode at {threshold:F2} (all {index.Count} stored prompts compete, margin guard on)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{queries} lookups, {hits} hits: {correct} correct ({100.0 * correct / sameQueries:F1}% of the {sameQueries} lookups that have a stored paraphrase), {wrong} wrong answers.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Miss reasons: {string.Join(", ", reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value}"))}.");
        return sb.ToString();
    }

    private static (int TruePositives, int FalsePositives, Dictionary<string, int> PerCategory) Tally(List<EvalPair> pairs, float[] scores, List<string>[] rejections, double threshold, bool withGuards)
    {
        int tp = 0, fp = 0;
        var perCategory = Categories.ToDictionary(c => c, _ => 0);
        for (var i = 0; i < pairs.Count; i++)
        {
            var hit = scores[i] >= threshold && (!withGuards || rejections[i].Count == 0);
            if (!hit)
            {
                continue;
            }

            perCategory[pairs[i].Category]++;
            if (pairs[i].Same)
            {
                tp++;
            }
            else
            {
                fp++;
            }
        }

        return (tp, fp, perCategory);
    }

    private static string Precision(int tp, int fp) => tp + fp == 0 ? "n/a" : (100.0 * tp / (tp + fp)).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static int Count(List<EvalPair> pairs, string category) => pairs.Count(p => p.Category == category);

    private static List<EvalPair> Load(string path)
    {
        var pairs = new List<EvalPair>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            pairs.Add(new EvalPair(r.GetProperty("a").GetString()!, r.GetProperty("b").GetString()!, r.GetProperty("label").GetString()!, r.GetProperty("category").GetString()!, r.TryGetProperty("kind", out var k) ? k.GetString() : null));
        }

        return pairs;
    }
}

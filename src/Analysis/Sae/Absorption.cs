using System.Text.Json;
using Analysis.Datasets;
using Analysis.Numerics;
using Analysis.Parquet;
using Analysis.Probing;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>
/// <c>analysis sae absorption</c>: reads an activation dataset's hook and each token's text, labels tokens by their first
/// letter (a–z, case folded; others are left out), fits a multinomial logistic-regression first-letter probe on a train
/// split, and measures absorption on the test split (<see cref="FirstLetterAbsorption"/>). Writes absorption.json,
/// absorption_tokens.parquet (one row per probe-true-positive test token) and results.json (entry <c>saeAbsorption</c>).
/// </summary>
public static class Absorption
{
    /// <summary>The summary file.</summary>
    public const string SummaryFile = "absorption.json";

    /// <summary>The per-token file.</summary>
    public const string TokensFile = "absorption_tokens.parquet";

    /// <summary>The results.json entry.</summary>
    public const string Entry = "saeAbsorption";

    /// <summary>The first-letter probe written (or taken) by the run, as `analysis probe --save` writes probes.</summary>
    public const string ProbeFileName = "first_letter_probe.json";

    /// <summary>
    /// Runs the measurement and writes its files into <paramref name="output"/>; <paramref name="probePath"/> takes a saved
    /// first-letter probe (its classes are the letters) instead of fitting one.
    /// </summary>
    public static AbsorptionResult Run(string saeFolder, string data, string output, string? hook = null, AbsorptionOptions? options = null, Action<string>? status = null, string? probePath = null)
    {
        options ??= new();
        Check(options);
        if (!Sae.Exists(saeFolder)) throw new BadInputException($"'{saeFolder}' is not an SAE folder (no {Sae.ConfigFile} and {Sae.WeightsFile}); pass the folder `analysis sae train` wrote.");
        if (File.Exists(output)) throw new BadInputException($"--out {output} is a file; pass a folder.");
        var sae = Sae.Load(saeFolder);
        var given = probePath is null ? null : ProbeFile.Load(probePath);
        if (given is not null && given.Classifier.Dimension != sae.DIn)
            throw new BadInputException($"The probe {probePath} reads {given.Classifier.Dimension}-dimensional activations but the SAE reads {sae.DIn}; pass a probe of the SAE's hook.");
        hook ??= sae.Info.HookName;
        if (hook == "") throw new BadInputException($"{saeFolder}/cfg.json names no hook_name; pass --hook.");

        using var table = ActivationTable.Open(data);
        if (!table.Columns.Contains(hook)) throw new BadInputException($"Hook '{hook}' is not in {data}; pass --hook with one of its hooks ({string.Join(", ", table.Hooks)}).");
        if (!table.Columns.Contains(DerivedLabels.TextColumn) && !table.Columns.Contains("token"))
            throw new BadInputException($"{data} has no token_text (or token) column, so tokens have no first letter; use a dataset written by `analysis extract`.");
        status?.Invoke("reading tokens and activations");
        var labels = DerivedLabels.Read(table, TokenLabel.Parse("token:first-char", foldCase: true), "token");
        var rule = TokenLabel.Parse("token:first-char", foldCase: true);
        var texts = table.Columns.Contains(DerivedLabels.TextColumn) ? table.ReadStrings(DerivedLabels.TextColumn) : table.ReadStrings("token").Select(TokenLabel.TokenStringText).ToArray();
        var keep = new List<int>();
        for (var k = 0; k < labels.Rows.Length && keep.Count < options.MaxTokens; k++)
            if (labels.Labels[k] is [>= 'a' and <= 'z']) keep.Add(k);
        if (keep.Count == 0) throw new BadInputException($"{data} has no token whose text starts with a letter a–z; the first-letter task needs word tokens.");
        if (given is not null)
        {
            var known = given.Classifier.Classes.ToHashSet(StringComparer.Ordinal);
            keep.RemoveAll(k => !known.Contains(labels.Labels[k]));
            if (keep.Count == 0) throw new BadInputException($"The probe {probePath} predicts none of the first letters in {data} (its classes: {string.Join(", ", given.Classifier.Classes.Take(10))}); pass a first-letter probe.");
        }
        var classes = given?.Classifier.Classes ?? keep.Select(k => labels.Labels[k]).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2) throw new BadInputException($"{data} has tokens of only one first letter ('{classes[0]}'); the probe needs at least two letters — pass more text.");
        var classIndex = classes.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var rows = keep.Select(k => (long)labels.Rows[k]).ToArray();
        var letter = keep.Select(k => classIndex[labels.Labels[k]]).ToArray();
        var tokenText = keep.Select(k => rule.Normalize(texts[labels.Rows[k]])).ToArray();
        var x = SelectRows(table, hook, rows, sae.DIn);

        var split = options.Split switch
        {
            "random" => DataSplit.Random(rows.Length, options.Seed, 0, options.TestFraction),
            "type" => DataSplit.Grouped(tokenText, options.Seed, 0, options.TestFraction),
            _ => throw new BadInputException($"Unknown --split '{options.Split}'; use random or type."),
        };
        if (split.Train.Length == 0 || split.Test.Length == 0) throw new BadInputException($"The {rows.Length} lettered tokens of {data} do not fill both a train and a test split; pass more text.");
        var trainLabels = split.Train.Select(i => letter[i]).ToArray();
        if (given is null && trainLabels.Distinct().Count() < 2) throw new BadInputException("The train split holds tokens of only one letter; pass more text or another --seed.");
        if (given is null) status?.Invoke($"fitting the first-letter probe on {split.Train.Length:N0} tokens");
        var probe = given?.Classifier ?? LogisticRegression.Fit(x.SelectRows(split.Train), trainLabels, classes,
            new LogisticRegressionOptions { C = options.C, Standardize = true, MaxIterations = 500 });
        status?.Invoke("measuring absorption");
        var (result, tokens) = FirstLetterAbsorption.Measure(sae, x, letter, classes, tokenText, rows, split, probe, options);
        result = result with { Sae = saeFolder, Hook = hook };
        var probeFile = given ?? new ProbeFile
        {
            Hook = hook, Label = "token:first-char (fold-case, a–z)", Classifier = probe,
            Metadata = new() { ["dataset"] = data, ["split"] = options.Split, ["seed"] = options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), ["train_tokens"] = split.Train.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        Write(result, tokens, probeFile, saeFolder, output);
        return result;
    }

    private static Matrix SelectRows(ActivationTable table, string hook, long[] rows, int dIn)
    {
        var x = new Matrix(rows.Length, dIn);
        long offset = 0;
        var next = 0;
        foreach (var chunk in table.ReadChunks(hook))
        {
            if (chunk.Columns != dIn) throw new BadInputException($"Hook '{hook}' in {table.Path} has {chunk.Columns} values per row but the SAE reads {dIn}; pass the dataset the SAE was trained for.");
            while (next < rows.Length && rows[next] < offset + chunk.Rows)
            {
                chunk.Row((int)(rows[next] - offset)).CopyTo(x.Row(next));
                next++;
            }
            offset += chunk.Rows;
            if (next == rows.Length) break;
        }
        return x;
    }

    private static void Check(AbsorptionOptions o)
    {
        if (o.Split is not ("random" or "type")) throw new BadInputException($"Unknown --split '{o.Split}'; use random or type.");
        if (o.MaxK < 1) throw new BadInputException($"--max-k must be at least 1 (got {o.MaxK}).");
        if (o.MaxTokens < 2) throw new BadInputException($"--max-tokens must be at least 2 (got {o.MaxTokens}).");
        if (o.TestFraction is <= 0 or >= 1) throw new BadInputException($"--test-fraction must lie strictly between 0 and 1 (got {o.TestFraction}).");
        if (o.ProjectionShare is <= 0 or > 1) throw new BadInputException($"--projection-share must lie in (0, 1] (got {o.ProjectionShare}).");
        if (o.CosineThreshold is < -1 or > 1) throw new BadInputException($"--cosine-threshold must lie in [−1, 1] (got {o.CosineThreshold}).");
        if (o.C <= 0) throw new BadInputException($"--c must be positive (got {o.C}).");
    }

    // Temporary names, renamed when complete: an interrupted run leaves nothing that looks finished.
    private static void Write(AbsorptionResult result, List<AbsorptionToken> tokens, ProbeFile probe, string saeFolder, string output)
    {
        Directory.CreateDirectory(output);
        var tokensPath = Path.Combine(output, TokensFile);
        using (var w = ParquetWriter.Create(tokensPath + ".tmp", [
            ParquetField.Int64("row"), ParquetField.String("letter"), ParquetField.String("token"), ParquetField.Boolean("main_fired"),
            ParquetField.Boolean("absorbed"), ParquetField.Int32("absorbing_feature"), ParquetField.Double("probe_projection"),
            ParquetField.Int32("top_feature"), ParquetField.Double("top_projection"), ParquetField.Double("top_cosine"), ParquetField.Double("absorption_fraction")]))
        {
            w.SetMetadata("analysis.sae", Path.GetFullPath(saeFolder));
            w.SetMetadata("analysis.hook", result.Hook);
            if (tokens.Count > 0)
            {
                w.WriteInt64("row", tokens.Select(t => t.Row).ToArray());
                w.WriteStrings("letter", tokens.Select(t => (string?)t.Letter).ToArray());
                w.WriteStrings("token", tokens.Select(t => (string?)t.Token).ToArray());
                w.WriteBoolean("main_fired", tokens.Select(t => t.MainFired).ToArray());
                w.WriteBoolean("absorbed", tokens.Select(t => t.Absorbed).ToArray());
                w.WriteInt32("absorbing_feature", tokens.Select(t => t.AbsorbingFeature).ToArray());
                w.WriteDouble("probe_projection", tokens.Select(t => t.ProbeProjection).ToArray());
                w.WriteInt32("top_feature", tokens.Select(t => t.TopFeature).ToArray());
                w.WriteDouble("top_projection", tokens.Select(t => t.TopProjection).ToArray());
                w.WriteDouble("top_cosine", tokens.Select(t => t.TopCosine).ToArray());
                w.WriteDouble("absorption_fraction", tokens.Select(t => t.AbsorptionFraction).ToArray());
                w.EndBatch();
            }
            w.Finish();
        }
        var summaryPath = Path.Combine(output, SummaryFile);
        File.WriteAllText(summaryPath + ".tmp", JsonSerializer.Serialize(result, SaeEvaluation.Json));
        File.Move(tokensPath + ".tmp", tokensPath, overwrite: true);
        File.Move(summaryPath + ".tmp", summaryPath, overwrite: true);
        probe.Save(Path.Combine(output, ProbeFileName));
        ResultsFile.Save(output, new Dictionary<string, string> { ["sae"] = saeFolder, ["hook"] = result.Hook }, (Entry, new[] { result }));
    }
}

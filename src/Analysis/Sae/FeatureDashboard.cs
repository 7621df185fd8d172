using System.Diagnostics;
using System.Globalization;
using Analysis.Extraction;
using Analysis.Extraction.Sources;
using Analysis.Results;
using Analysis.Tokenizers;

namespace Analysis.Sae;

/// <summary>
/// <c>analysis sae features</c>: runs the model over text through <see cref="LanguageModel"/>, encodes the SAE's hook
/// one sequence at a time into <see cref="FeatureStatistics"/> (bounded memory: per-feature heaps and reservoirs, never
/// all codes), computes each feature's <see cref="LogitEffect"/>, and writes a self-contained dashboard
/// (<see cref="FeatureDashboardPage"/>), features.parquet, contexts.parquet and results.json.
/// </summary>
public static class FeatureDashboard
{
    /// <summary>The dashboard, the per-feature table and the per-context table in the output folder.</summary>
    public const string HtmlFile = "features.html", FeaturesFile = "features.parquet", ContextsFile = "contexts.parquet";

    /// <summary>Runs the request; nothing is written unless the whole run succeeds. Bad input throws <see cref="BadInputException"/>.</summary>
    public static SaeFeaturesResult Run(FeatureDashboardRequest request, Action<long, long>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        if (!Sae.Exists(request.Sae)) throw new BadInputException($"'{request.Sae}' is not an SAE folder (no {Sae.ConfigFile} and {Sae.WeightsFile}); pass the folder `analysis sae train` wrote.");
        var sae = Sae.Load(request.Sae);
        var hook = sae.Info.HookName;
        if (hook == "") throw new BadInputException($"{request.Sae}/{Sae.ConfigFile} names no hook_name, so it is not known where in the model the SAE reads; add it.");
        var modelPath = Directory.Exists(request.Model) ? Path.Combine(request.Model, "model.onnx") : request.Model;
        if (!File.Exists(modelPath)) throw new BadInputException($"The model '{request.Model}' does not exist; pass a model.onnx or its folder.");
        if (request.MaxLength < 1) throw new BadInputException($"--max-length must be at least 1, not {request.MaxLength}.");
        if (request.MaxSequences < 1) throw new BadInputException($"--max-sequences must be at least 1, not {request.MaxSequences}.");
        if (request.QuantileBins < 1 || request.PerBin < 0) throw new BadInputException($"Quantile bins must be at least 1 and samples per bin at least 0 (got {request.QuantileBins} and {request.PerBin}).");
        if (request.LogitTokens < 1) throw new BadInputException($"--logit-tokens must be at least 1, not {request.LogitTokens}.");
        if (File.Exists(request.Output)) throw new BadInputException($"--out {request.Output} is a file; pass a folder.");
        var features = FeatureSelection.Parse(request.Features, sae.DSae);

        // The logit effect first: it is quick, and a model of another width fails here before the long pass.
        var directions = new float[(long)features.Length * sae.DIn];
        for (var i = 0; i < features.Length; i++)
            sae.Weights.DecoderRows.AsSpan(features[i] * sae.DIn, sae.DIn).CopyTo(directions.AsSpan(i * sae.DIn, sae.DIn));
        var effect = LogitEffect.Compute(modelPath, request.HookMap, directions, features.Length, sae.DIn, out var noEffect);

        using var model = LanguageModel.Load(modelPath, new LanguageModelOptions { Tokenizer = request.Tokenizer, HookMap = request.HookMap });
        var tokenizer = model.Tokenizer;
        var stats = new FeatureStatistics(sae.DSae, features, request.Top, request.QuantileBins * Math.Max(request.PerBin, 1) * 2, request.Left, request.Right, request.Seed);
        var sequences = new List<int[]>();
        var texts = ExampleSource.Open(request.Data, new SourceOptions(request.TextField)).Read()
            .Select(e => tokenizer.Encode(e.Text, addSpecialTokens: true, request.MaxLength, Side.Right))
            .Where(e => e.Count > 0).Take(request.MaxSequences).ToList();
        if (texts.Count == 0) throw new BadInputException($"'{request.Data}' has no text that tokenizes to a token; give it some text.");
        var run = new RunOptions { MaxLength = request.MaxLength, BatchSize = request.BatchSize };
        foreach (var batch in texts.Chunk(request.BatchSize))
        {
            var cache = model.RunWithCache(batch, [hook], run);
            var x = cache[cache.Hooks[0]];
            if (x.Columns != sae.DIn)
                throw new BadInputException($"The hook '{hook}' of '{modelPath}' has {x.Columns} values per token but the SAE reads {sae.DIn}; pass the model the SAE was trained on.");
            var row = 0;
            foreach (var text in batch)
            {
                var rows = x.Data.AsSpan(row * x.Columns, text.Count * x.Columns).ToArray();
                stats.Add(sae.Encode(rows, text.Count));
                sequences.Add(text.Ids);
                row += text.Count;
            }
            progress?.Invoke(sequences.Count, texts.Count);
        }

        var summaries = stats.Finish(request.QuantileBins, request.PerBin);
        var vocab = Math.Max(tokenizer.VocabSize, effect?.Vocab ?? 0);
        var tokenText = new string[vocab];
        for (var v = 0; v < vocab; v++) tokenText[v] = TokenText(tokenizer.IdToToken(v));
        var logits = new FeatureLogits[features.Length];
        for (var i = 0; i < features.Length; i++)
            logits[i] = effect is null ? FeatureLogits.None : new FeatureLogits(effect.Extremes(i, request.LogitTokens));

        var frequencies = summaries.Where(s => s.Count > 0).Select(s => Math.Log10(s.Density)).ToArray();
        var start = frequencies.Length == 0 ? 0 : Math.Floor(frequencies.Min() / SaeDataMetrics.DensityBin) * SaeDataMetrics.DensityBin;
        var density = new long[Math.Max(1, (int)Math.Ceiling(-start / SaeDataMetrics.DensityBin) + 1)];
        foreach (var f in frequencies) density[Math.Min(density.Length - 1, (int)((f - start) / SaeDataMetrics.DensityBin))]++;
        var result = new SaeFeaturesResult
        {
            Sae = request.Sae, Hook = hook, Model = modelPath, Sequences = sequences.Count, Tokens = stats.Tokens, DSae = sae.DSae,
            Features = features.Length, Dead = summaries.Count(s => s.Count == 0), DensityHistogram = density, DensityLog10Start = start,
            LogitEffect = effect is null ? $"none: {noEffect.TrimEnd('.')}" : effect.Finish,
            Highlights = [.. summaries.Select((s, i) => (s, i)).Where(p => p.s.Count > 0).OrderByDescending(p => p.s.MaxActivation).Take(12)
                .OrderBy(p => p.s.Feature)
                .Select(p => new FeatureHighlight(p.s.Feature, p.s.Density, p.s.MaxActivation,
                    [.. p.s.Top.Take(5).Select(e => tokenText[sequences[e.Sequence][e.Position]])],
                    [.. logits[p.i].Top.Take(5).Select(t => tokenText[t.Id])]))],
        };

        // Everything is computed: write under temporary names, then rename, so a failure leaves nothing that looks complete.
        Directory.CreateDirectory(request.Output);
        var html = Path.Combine(request.Output, HtmlFile);
        var title = $"SAE features: {Path.GetFileName(Path.GetFullPath(request.Sae).TrimEnd(Path.DirectorySeparatorChar))} ({hook})";
        var page = FeatureDashboardPage.Render(title, result, summaries, logits, sequences, tokenText);
        File.WriteAllText(html + ".tmp", page);
        FeatureTables.WriteFeatures(Path.Combine(request.Output, FeaturesFile + ".tmp"), summaries, logits, sequences, tokenText);
        FeatureTables.WriteContexts(Path.Combine(request.Output, ContextsFile + ".tmp"), summaries, sequences, tokenText);
        foreach (var file in new[] { FeaturesFile, ContextsFile, HtmlFile })
            File.Move(Path.Combine(request.Output, file + ".tmp"), Path.Combine(request.Output, file), overwrite: true);
        result = result with { DashboardBytes = new FileInfo(html).Length, Seconds = clock.Elapsed.TotalSeconds };
        ResultsFile.Save(request.Output, new Dictionary<string, string>
        {
            ["sae"] = request.Sae, ["model"] = modelPath, ["data"] = request.Data,
            ["max_length"] = request.MaxLength.ToString(CultureInfo.InvariantCulture),
        }, ("saeFeatures", result));
        return result;
    }

    /// <summary>A token as text: SentencePiece's ▁ and byte-level BPE's Ġ become spaces, Ċ and &lt;0x0A&gt; newlines, other &lt;0xNN&gt; bytes their character.</summary>
    public static string TokenText(string? token)
    {
        if (token is null) return "";
        if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            return b < 0x80 ? ((char)b).ToString() : token;
        return token.Replace('▁', ' ').Replace('Ġ', ' ').Replace('Ċ', '\n');
    }
}

/// <summary>A feature's top and bottom logit tokens (empty when the model has no finish).</summary>
public sealed record FeatureLogits(((int Id, float Value)[] Top, (int Id, float Value)[] Bottom) Extremes)
{
    /// <summary>No logit effect.</summary>
    public static readonly FeatureLogits None = new(([], []));

    /// <summary>Largest effects, descending.</summary>
    public (int Id, float Value)[] Top => Extremes.Top;

    /// <summary>Smallest effects, ascending.</summary>
    public (int Id, float Value)[] Bottom => Extremes.Bottom;
}

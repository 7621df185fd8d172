using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analysis.Extraction;
using Analysis.Extraction.Sources;
using Analysis.Onnx;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Sae;
using Analysis.Tests.Reports;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Google.Protobuf;

namespace Analysis.Tests.Sae;

/// <summary>
/// <c>sae features</c> on stories260k blocks.2.hook_resid_post with a small SAE trained here: every statistic in the
/// Parquet tables equals a brute-force computation over all codes held in memory (the model run independently here);
/// the logit effect equals a NumPy oracle of RMSNorm(u)·W_U (logit_effect_reference.py); the dashboard passes its own
/// check in headless Chromium and its search lists exactly the features it should; bad input writes nothing.
/// </summary>
public sealed class SaeFeaturesTests
{
    private const string Hook = "blocks.2.hook_resid_post";
    private const int D = 64, Latents = 64, Sequences = 30, MaxLength = 64, Top = 5, Left = 3, Right = 2;
    private static readonly string Stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
    private static readonly string Model = Path.Combine(Models.Folder("stories260k"), "model.onnx");

    [Fact]
    public void StatisticsEqualBruteForceAndLogitEffectEqualsNumpy()
    {
        using var dir = new Extraction.TempDirectory();
        var saeDir = TrainSae(dir.Path);
        var sae = Analysis.Sae.Sae.Load(saeDir);
        var output = Path.Combine(dir.Path, "features");
        var result = FeatureDashboard.Run(new FeatureDashboardRequest
        {
            Sae = saeDir, Model = Model, Data = Stories, Output = output, MaxSequences = Sequences, MaxLength = MaxLength,
            Top = Top, Left = Left, Right = Right, QuantileBins = 4, PerBin = 2,
        });

        // Brute force: the model with the hook exposed, every token's dense codes in memory.
        var tokenizer = Tokenizer.Load(Models.Folder("stories260k"));
        var (ids, codes) = AllCodes(sae, tokenizer);
        Assert.Equal(Sequences, result.Sequences);
        Assert.Equal(ids.Sum(s => s.Length), result.Tokens);
        var occurrences = Enumerable.Range(0, Latents).Select(f =>
            (from s in Enumerable.Range(0, ids.Count) from t in Enumerable.Range(0, ids[s].Length)
             where codes[s][t][f] > 0 select (Seq: s, Pos: t, Act: codes[s][t][f])).ToList()).ToList();
        Assert.Equal(occurrences.Count(o => o.Count == 0), result.Dead);
        Assert.True(result.Dead < Latents / 2, $"{result.Dead} dead features");

        var features = Rows(Path.Combine(output, FeatureDashboard.FeaturesFile));
        Assert.Equal(Latents, features.Count);
        var checkedHistograms = 0;
        foreach (var row in features)
        {
            var f = Convert.ToInt32(row["feature"], CultureInfo.InvariantCulture);
            var o = occurrences[f];
            Assert.Equal((long)o.Count, Convert.ToInt64(row["count"], CultureInfo.InvariantCulture));
            Assert.Equal((double)o.Count / result.Tokens, Convert.ToDouble(row["density"], CultureInfo.InvariantCulture), 12);
            if (o.Count == 0) { Assert.Null(row["log10_density"]); continue; }
            Assert.Equal(o.Max(e => e.Act), Convert.ToSingle(row["max_activation"], CultureInfo.InvariantCulture));
            Assert.Equal(o.Average(e => (double)e.Act), Convert.ToDouble(row["mean_activation"], CultureInfo.InvariantCulture), 9);
            // The histogram: bins of the final width, computed here from all activations.
            var width = Convert.ToDouble(row["histogram_bin_width"], CultureInfo.InvariantCulture);
            var max = o.Max(e => e.Act);
            Assert.True(width * FeatureStatistics.HistogramBins > max && width * FeatureStatistics.HistogramBins / 2 <= max, $"feature {f}: width {width}, max {max}");
            var expected = new long[FeatureStatistics.HistogramBins];
            foreach (var e in o) expected[(int)(e.Act / width)]++;
            var used = expected.Length;
            while (used > 0 && expected[used - 1] == 0) used--;
            Assert.Equal(expected[..used], JsonSerializer.Deserialize<long[]>((string)row["histogram"]!)!);
            checkedHistograms++;
        }
        Assert.True(checkedHistograms > Latents / 2);

        // Contexts: the top N in (activation ↓, sequence, position) order with their windows; quantile samples are real
        // firings, their bins ordered by activation.
        var contexts = Rows(Path.Combine(output, FeatureDashboard.ContextsFile));
        foreach (var byFeature in contexts.GroupBy(r => Convert.ToInt32(r["feature"], CultureInfo.InvariantCulture)))
        {
            var f = byFeature.Key;
            var top = byFeature.Where(r => (string)r["kind"]! == "top").OrderBy(r => Convert.ToInt32(r["rank"], CultureInfo.InvariantCulture)).ToList();
            var want = occurrences[f].OrderByDescending(e => e.Act).ThenBy(e => e.Seq).ThenBy(e => e.Pos).Take(Top).ToList();
            Assert.Equal(want.Select(e => (e.Seq, e.Pos, e.Act)), top.Select(r => (Convert.ToInt32(r["example"], CultureInfo.InvariantCulture), Convert.ToInt32(r["position"], CultureInfo.InvariantCulture), Convert.ToSingle(r["activation"], CultureInfo.InvariantCulture))));
            foreach (var r in byFeature)
            {
                var (s, t) = (Convert.ToInt32(r["example"], CultureInfo.InvariantCulture), Convert.ToInt32(r["position"], CultureInfo.InvariantCulture));
                Assert.Equal(codes[s][t][f], Convert.ToSingle(r["activation"], CultureInfo.InvariantCulture));
                Assert.Equal(ids[s][t], Convert.ToInt32(r["token_id"], CultureInfo.InvariantCulture));
                var start = Math.Max(0, t - Left);
                var end = Math.Min(ids[s].Length, t + Right + 1);
                Assert.Equal(start, Convert.ToInt32(r["context_start"], CultureInfo.InvariantCulture));
                Assert.Equal(Enumerable.Range(start, end - start).Select(p => codes[s][p][f]), JsonSerializer.Deserialize<float[]>((string)r["context_activations"]!)!);
                Assert.Equal(Enumerable.Range(start, end - start).Select(p => FeatureDashboard.TokenText(tokenizer.IdToToken(ids[s][p]))),
                    JsonSerializer.Deserialize<string[]>((string)r["context_tokens"]!)!);
            }
            var bins = byFeature.Where(r => (string)r["kind"]! == "quantile").GroupBy(r => Convert.ToInt32(r["bin"], CultureInfo.InvariantCulture)).OrderBy(g => g.Key)
                .Select(g => (Min: g.Min(r => Convert.ToSingle(r["activation"], CultureInfo.InvariantCulture)), Max: g.Max(r => Convert.ToSingle(r["activation"], CultureInfo.InvariantCulture)))).ToList();
            for (var b = 1; b < bins.Count; b++) Assert.True(bins[b - 1].Max <= bins[b].Min, $"feature {f}: quantile bins out of order");
            if (occurrences[f].Count >= 8) Assert.Equal(4, bins.Count);
        }
        Assert.Equal(occurrences.Count(o => o.Count > 0), contexts.Select(r => Convert.ToInt32(r["feature"], CultureInfo.InvariantCulture)).Distinct().Count());

        // Logit effect: the whole matrix against NumPy, then the tables' top/bottom tokens against that matrix.
        var effect = LogitEffect.Compute(Model, null, sae.Weights.DecoderRows, Latents, D, out _)!;
        var oracle = Oracle(saeDir);
        Assert.Equal(Latents, oracle.Length);
        Assert.Equal(oracle[0].Length, effect.Vocab);
        var largest = 0.0;
        for (var f = 0; f < Latents; f++)
            for (var v = 0; v < effect.Vocab; v++)
            {
                var (a, b) = (effect.Effects[f * effect.Vocab + v], oracle[f][v]);
                largest = Math.Max(largest, Math.Abs(b));
                Assert.True(Math.Abs(a - b) <= 1e-4 * (1 + Math.Abs(b)), $"feature {f}, token {v}: {a} vs {b}");
            }
        Assert.True(largest > 1, "the oracle's effects are all tiny: the test would not notice a wrong norm");
        foreach (var row in features)
        {
            var f = Convert.ToInt32(row["feature"], CultureInfo.InvariantCulture);
            var order = Enumerable.Range(0, effect.Vocab).OrderByDescending(v => oracle[f][v]).ToArray();
            var topValues = JsonSerializer.Deserialize<float[]>((string)row["top_logit_values"]!)!;
            var bottomValues = JsonSerializer.Deserialize<float[]>((string)row["bottom_logit_values"]!)!;
            Assert.Equal(10, topValues.Length);
            for (var i = 0; i < 10; i++)
            {
                Assert.True(Math.Abs(oracle[f][order[i]] - topValues[i]) <= 1e-4 * (1 + Math.Abs(topValues[i])), $"feature {f} top {i}: {topValues[i]} vs {oracle[f][order[i]]}");
                Assert.True(Math.Abs(oracle[f][order[^(i + 1)]] - bottomValues[i]) <= 1e-4 * (1 + Math.Abs(bottomValues[i])), $"feature {f} bottom {i}: {bottomValues[i]} vs {oracle[f][order[^(i + 1)]]}");
            }
            Assert.Equal(FeatureDashboard.TokenText(tokenizer.IdToToken(order[0])), JsonSerializer.Deserialize<string[]>((string)row["top_logit_tokens"]!)![0]);
        }

        // results.json carries the summary the report reads.
        var results = Analysis.Results.ResultsFile.TryLoad(output)!;
        Assert.Equal(result.Tokens, results.Get<SaeFeaturesResult>("saeFeatures")!.Tokens);
        Assert.Contains("logits", result.LogitEffect);

        // The dashboard: its own check passes; a search for a feature's top token lists exactly the live features whose
        // top tokens or top logit tokens contain it; an id search lists one; and a screenshot to look at.
        var page = Path.Combine(output, FeatureDashboard.HtmlFile);
        var url = new Uri(page).AbsoluteUri; // a file URL, so the fragment stays a fragment
        var (dom, log) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", page);
        Assert.Contains("data-check=\"ok\"", dom);
        Assert.DoesNotContain("Uncaught", log);
        Assert.DoesNotContain("dashboard check", log);
        Assert.Equal((features.Count(r => Convert.ToInt64(r["count"], CultureInfo.InvariantCulture) > 0)).ToString(CultureInfo.InvariantCulture), Regex.Match(dom, "data-listed=\"(\\d+)\"").Groups[1].Value);
        var word = features.Where(r => Convert.ToInt64(r["count"], CultureInfo.InvariantCulture) > 0)
            .SelectMany(r => JsonSerializer.Deserialize<string[]>((string)r["top_tokens"]!)!).Select(t => t.Trim())
            .First(t => t.Length >= 3 && t.All(char.IsLetter));
        bool Mentions(Dictionary<string, object?> r, string column) =>
            JsonSerializer.Deserialize<string[]>((string)r[column]!)!.Any(t => t.Trim().Contains(word, StringComparison.OrdinalIgnoreCase));
        var expectedHits = features.Where(r => Convert.ToInt64(r["count"], CultureInfo.InvariantCulture) > 0 && (Mentions(r, "top_tokens") || Mentions(r, "top_logit_tokens"))).Select(r => Convert.ToInt32(r["feature"], CultureInfo.InvariantCulture)).ToList();
        (dom, log) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", url + "#q=" + Uri.EscapeDataString(word));
        Assert.Contains("data-check=\"ok\"", dom);
        Assert.Equal(expectedHits.Count.ToString(CultureInfo.InvariantCulture), Regex.Match(dom, "data-listed=\"(\\d+)\"").Groups[1].Value);
        foreach (var f in expectedHits.Take(100)) Assert.Contains($"<tr data-i=\"{f}\"", dom);
        (dom, _) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", url + "#q=7");
        Assert.Equal("1", Regex.Match(dom, "data-listed=\"(\\d+)\"").Groups[1].Value);
        var png = Path.Combine(AppContext.BaseDirectory, "sae-features-screenshot.png");
        HtmlReportTests.RunChromium(dir.Path, $"--screenshot={png}", "--window-size=1400,1200", url + "#f=" + expectedHits[0]);
        Assert.True(new FileInfo(png).Length > 10_000, "The screenshot is suspiciously small.");

        // The report's section: the density histogram draws.
        var report = Path.Combine(dir.Path, "report.html");
        Analysis.Reports.HtmlReport.Write([output], report);
        (dom, log) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", report);
        Assert.Contains("SAE features", dom);
        Assert.Matches("data-plots-rendered=\"1\"", dom);
        Assert.DoesNotContain("Uncaught", log);
    }

    [Fact]
    public void BadInputWritesNothing()
    {
        using var dir = new Extraction.TempDirectory();
        var saeDir = Path.Combine(dir.Path, "sae");
        var rng = new Random(2);
        float[] Random(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5))];
        var decoder = Random(Latents * D);
        new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, new SaeWeights(D, Latents, Random(Latents * D), new float[Latents], decoder, new float[D]),
            new SaeInfo { HookName = Hook }).Save(saeDir);
        var output = Path.Combine(dir.Path, "out");
        FeatureDashboardRequest Request(string sae, string model, string? features = null) =>
            new() { Sae = sae, Model = model, Data = Stories, Output = output, MaxSequences = 2, MaxLength = 16, Features = features };

        var e = Assert.Throws<BadInputException>(() => FeatureDashboard.Run(Request(dir.Path, Model)));
        Assert.Contains("not an SAE folder", e.Message);
        e = Assert.Throws<BadInputException>(() => FeatureDashboard.Run(Request(saeDir, Model, "0-63,64")));
        Assert.Contains("out of range", e.Message);
        Assert.Throws<BadInputException>(() => FeatureDashboard.Run(Request(saeDir, Model, "3-1")));
        // A model of another width (the family's large model: 128).
        e = Assert.Throws<BadInputException>(() => FeatureDashboard.Run(Request(saeDir, Path.Combine(Models.Folder("family"), "large", "step-00096"))));
        Assert.Contains("128", e.Message);
        Assert.False(Directory.Exists(output));

        // A good run with a feature list analyses just those.
        var r = FeatureDashboard.Run(Request(saeDir, Model, "0-2,9"));
        Assert.Equal(4, r.Features);
        Assert.Equal([0, 1, 2, 9], Rows(Path.Combine(output, FeatureDashboard.FeaturesFile)).Select(x => Convert.ToInt32(x["feature"], CultureInfo.InvariantCulture)));
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));

        // A post-norm model (bert-tiny) has no finish: the features are still analysed, with no logit effect.
        var bertSae = Path.Combine(dir.Path, "bert-sae");
        new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, new SaeWeights(D, Latents, Random(Latents * D), new float[Latents], decoder, new float[D]),
            new SaeInfo { HookName = "blocks.1.hook_resid_post" }).Save(bertSae);
        var bertOut = Path.Combine(dir.Path, "bert-out");
        r = FeatureDashboard.Run(Request(bertSae, Models.Folder("bert-tiny"), "0-7") with { Output = bertOut });
        Assert.StartsWith("none: ", r.LogitEffect);
        Assert.Contains("no final norm", r.LogitEffect);
        Assert.All(Rows(Path.Combine(bertOut, FeatureDashboard.FeaturesFile)), x => Assert.Equal("[]", (string)x["top_logit_tokens"]!));
    }

    /// <summary>A TopK SAE (64 latents, k = 4) trained for 200 steps on the hook's activations over 40 other stories.</summary>
    private static string TrainSae(string dir)
    {
        var saeDir = Path.Combine(dir, "sae");
        StoriesSae.Train(StoriesSae.Activations(40, MaxLength, skip: 100), saeDir, Latents, k: 4, steps: 200);
        return saeDir;
    }

    /// <summary>The first texts' token ids and every token's dense codes, from the model run here with the hook exposed.</summary>
    private static (List<int[]> Ids, List<float[][]> Codes) AllCodes(Analysis.Sae.Sae sae, Tokenizer tokenizer)
    {
        var model = OnnxModel.Load(Model);
        var exposed = model.ExposeHooks(HookDiscovery.Discover(model).Resolve([Hook])).Single();
        using var session = InferenceSession.FromBytes(model.Proto.ToByteArray());
        var inputs = new ModelInputs(session.Inputs);
        var ids = ExampleSource.Open(Stories).Read().Select(e => tokenizer.Encode(e.Text, addSpecialTokens: true, MaxLength, Side.Right).Ids)
            .Where(i => i.Length > 0).Take(Sequences).ToList();
        var codes = new List<float[][]>();
        foreach (var seq in ids)
        {
            using var r = session.Run(inputs.Build([seq], seq.Length, 0), [exposed.Output]);
            var c = sae.Encode(r[0].ToArray<float>(), seq.Length);
            var dense = new float[seq.Length][];
            for (var t = 0; t < seq.Length; t++)
            {
                dense[t] = new float[Latents];
                var l = c.LatentsOf(t);
                var v = c.ValuesOf(t);
                for (var e = 0; e < l.Length; e++) dense[t][l[e]] = v[e];
            }
            codes.Add(dense);
        }
        return (ids, codes);
    }

    /// <summary>All rows of a Parquet file as column → value.</summary>
    private static List<Dictionary<string, object?>> Rows(string path)
    {
        using var reader = ParquetReader.Open(path);
        var rows = new List<Dictionary<string, object?>>();
        foreach (var group in reader.ReadRowGroups())
        {
            var columns = group.ToDictionary(p => p.Key, p => p.Value.ToRows());
            var n = columns.First().Value.Count;
            for (var i = 0; i < n; i++) rows.Add(columns.ToDictionary(c => c.Key, c => c.Value[i]));
        }
        return rows;
    }

    private static double[][] Oracle(string saeDir)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Fail($"{python} is missing: install python3-onnx and python3-numpy (tools/setup/sae.sh) to run the NumPy oracle.");
        var script = Path.Combine(Models.Root, "tests", "Analysis.Tests", "Sae", "logit_effect_reference.py");
        var psi = new ProcessStartInfo(python, [script, Model, Path.Combine(saeDir, Analysis.Sae.Sae.WeightsFile)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"The NumPy oracle failed (python3-onnx, python3-numpy: tools/setup/sae.sh): {stderr}");
        return JsonSerializer.Deserialize<double[][]>(stdout.Result)!;
    }
}

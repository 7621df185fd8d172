using Analysis.Checkpoints;
using Analysis.Parquet;
using Analysis.Reports;
using Analysis.Sae;
using Analysis.Tests.Reports;
using Analysis.Tests.Similarity;

namespace Analysis.Tests.Sae;

/// <summary>
/// Feature trajectories over a planted checkpoint series: every final latent's birth step is recovered exactly (also
/// one that appears, vanishes and comes back), from --steps or from the family index beside the training datasets, in
/// any argument order; with real stories260k activations the report shows matches, births and effective features per
/// layer and step, rendered in headless Chromium.
/// </summary>
public sealed class SaeTrajectoryTests(StoriesActivations acts) : IClassFixture<StoriesActivations>
{
    private const int D = 64, Latents = 48;
    private static readonly long[] Steps = [0, 4, 16, 64, 128];

    // Latent f's presence per checkpoint, by f % 6: born at each of the five steps, or present early, gone at step 16, back from 64.
    private static readonly bool[][] Presence = [.. Enumerable.Range(0, Latents).Select(f => (f % 6) switch
    {
        5 => new[] { true, true, false, true, true },
        var b => Enumerable.Range(0, Steps.Length).Select(c => c >= b).ToArray(),
    })];

    private static long ExpectedBirth(int f) => f % 6 == 5 ? 64 : Steps[f % 6];

    [Fact]
    public void Births_of_planted_latents_are_recovered_exactly()
    {
        var series = PlantedSeries.Series(D, Presence, "blocks.1.hook_resid_post", seed: 5);
        var t = SaeTrajectory.Trace(series, Steps, 0.7);
        for (var f = 0; f < Latents; f++) Assert.True(ExpectedBirth(f) == t.Birth[f], $"latent {f}: born at {t.Birth[f]}, planted at {ExpectedBirth(f)}; cosines {string.Join(", ", t.Cosine[f])}");
        Assert.Equal([.. Steps.Select(s => Enumerable.Range(0, Latents).Count(f => ExpectedBirth(f) == s))], t.BirthHistogram);
        Assert.Equal([.. Enumerable.Range(0, Steps.Length).Select(c => Presence.Count(p => p[c]))], t.Matched);
        // The last checkpoint is the final SAE itself: every latent is its own best match.
        Assert.All(Enumerable.Range(0, Latents), f => Assert.Equal((f, 1f), (t.BestMatch[f][^1], MathF.Round(t.Cosine[f][^1], 5))));
    }

    [Fact]
    public void Compare_orders_the_series_by_step_from_arguments_or_family_index_and_writes_trajectories()
    {
        using var dir = new Extraction.TempDirectory();
        var family = Path.Combine(dir.Path, "family");
        var names = Steps.Select(s => $"small-step-{s:00000}").ToArray();
        Directory.CreateDirectory(family);
        new FamilyDatasets([.. names.Select((n, c) => new FamilyDataset(n, n, $"small/{n}/model.onnx", "small", Steps[c], Steps[c] * 1024))]).Save(family);
        var series = PlantedSeries.Series(D, Presence, "blocks.1.hook_resid_post", seed: 7, c => Path.Combine(family, names[c]));
        var folders = series.Select((s, c) => { var f = Path.Combine(dir.Path, $"sae-{c}"); s.Save(f); return f; }).ToArray();
        var shuffled = new[] { 3, 0, 4, 1, 2 };

        foreach (var (request, source) in new[]
                 {
                     (new SaeCompareRequest { Saes = [.. shuffled.Select(c => folders[c])], Steps = [.. shuffled.Select(c => Steps[c])], Output = Path.Combine(dir.Path, "by-steps") }, "--steps"),
                     (new SaeCompareRequest { Saes = [.. shuffled.Select(c => folders[c])], Output = Path.Combine(dir.Path, "by-family") }, "family"),
                 })
        {
            var report = SaeComparisonRun.Run(request);
            Assert.All(report.Saes, e => Assert.Equal(source, e.StepSource));
            var t = Assert.Single(report.Trajectories);
            Assert.Equal(Steps, t.Steps);
            Assert.Equal(folders, t.Saes);
            for (var f = 0; f < Latents; f++) Assert.Equal(ExpectedBirth(f), t.Birth[f]);
            // Pairs are neighbours in training order.
            Assert.Equal([.. folders.Zip(folders.Skip(1))], report.Pairs.Select(p => (p.A, p.B)));
            Assert.All(report.Pairs, p => Assert.Equal("optimal", p.OneToOneMethod));

            using var reader = ParquetReader.Open(Path.Combine(request.Output, SaeComparisonRun.TrajectoriesFile));
            Assert.Equal(["hook", "feature", "step", "best_match", "cosine"], reader.Columns.Select(c => c.FieldName));
            Assert.Equal(Latents * Steps.Length, reader.RowCount);
            var features = reader.ReadColumn(0, "feature").Values<int>().ToArray();
            var steps = reader.ReadColumn(0, "step").Values<long>().ToArray();
            var matches = reader.ReadColumn(0, "best_match").Values<int>().ToArray();
            var cosines = reader.ReadColumn(0, "cosine").Values<float>().ToArray();
            for (var p = 0; p < features.Length; p++)
            {
                var c = Array.IndexOf(Steps, steps[p]);
                Assert.Equal(t.BestMatch[features[p]][c], matches[p]);
                Assert.Equal(t.Cosine[features[p]][c], cosines[p]);
                Assert.Equal(Presence[features[p]][c], cosines[p] >= 0.7f);
            }
            Assert.True(File.Exists(Path.Combine(request.Output, SaeComparison.CompareFile)));
            Assert.Empty(Directory.GetFiles(request.Output, "*.tmp"));
        }
    }

    [Fact]
    public void Effective_features_per_layer_and_step_and_the_report_render_in_chromium()
    {
        using var dir = new Extraction.TempDirectory();
        var hooks = new[] { "blocks.1.hook_resid_post", "blocks.3.hook_resid_post" };
        var folders = new List<string>();
        var steps = new List<long>();
        foreach (var (hook, h) in hooks.Select((x, i) => (x, i)))
            foreach (var (sae, c) in PlantedSeries.Series(D, Presence, hook, seed: 11 + h).Select((s, c) => (s, c)))
            {
                var f = Path.Combine(dir.Path, $"l{h}-{c}");
                sae.Save(f);
                folders.Add(f);
                steps.Add(Steps[c]);
            }
        var output = Path.Combine(dir.Path, "cmp");
        var report = SaeComparisonRun.Run(new SaeCompareRequest { Saes = folders, Steps = steps, Data = [acts.A], Output = output });

        Assert.Equal(2, report.Trajectories.Length);
        Assert.Equal(2 * (Steps.Length - 1), report.Pairs.Length);
        Assert.All(report.Pairs, p => Assert.NotNull(p.Correlation));
        foreach (var (entry, i) in report.Saes.Select((e, i) => (e, i)))
        {
            // The same numbers `sae eval` computes, from the SAE and the same data.
            var metrics = new SaeDataMetrics(Analysis.Sae.Sae.Load(folders[i]));
            using (var table = Analysis.Datasets.ActivationTable.Open(acts.A))
                foreach (var x in table.ReadChunks(entry.Hook)) metrics.Add(x.Data, x.Rows);
            var expected = metrics.Finish();
            Assert.Equal(expected.EffectiveFeatures, entry.EffectiveFeatures, 9);
            Assert.Equal(expected.Tokens, entry.Tokens);
            Assert.InRange(entry.EffectiveFeatures, 1, Latents);
            Assert.Equal(i < Steps.Length ? 1 : 3, entry.Layer);
        }

        var page = Path.Combine(dir.Path, "report.html");
        HtmlReport.Write([output], page);
        var html = File.ReadAllText(page);
        Assert.Contains("SAE comparison", html);
        Assert.Contains("Effective features / d, layer", html);
        // Best cosines; matched, births and mean cosine (both hooks share the steps); effective features; the layer × step heatmap.
        HtmlReportTests.AssertPlotsRender(dir.Path, page, 6, "sae-compare-report-screenshot.png", height: 1600);
    }
}

using System.Text.RegularExpressions;
using Analysis.Checkpoints;
using Analysis.Decomposition;
using Analysis.Parquet;
using Analysis.Reports;
using Analysis.Results;
using Analysis.Tests.Extraction;
using Analysis.Tests.Numerics;
using Analysis.Tests.Reports;

namespace Analysis.Tests.Checkpoints;

/// <summary>PCA and the number line across a family's checkpoints: layer × step tables, results.json entries, the report.</summary>
public class CheckpointDecompositionTests
{
    private const int Rows = 400, Width = 12;
    private static readonly double[] Strength = [0, 1, 8];   // how strongly each checkpoint's blocks.1 carries the number

    // Three checkpoints of one size: blocks.0 is noise at every step; blocks.1 gains a planted linear number direction.
    private static string SyntheticFamily(string root)
    {
        var rng = new Random(5);
        var numbers = Enumerable.Range(0, Rows).Select(_ => (long)rng.Next(1, 101)).ToArray();
        var dir = Synthetic.OrthonormalDirections(1, Width, 7)[0];
        var checkpoints = new List<FamilyDataset>();
        for (var c = 0; c < Strength.Length; c++)
        {
            var name = $"small-step-{c * 100:00000}";
            Directory.CreateDirectory(Path.Combine(root, name));
            var noise = new float[Rows * Width];
            var planted = new float[Rows * Width];
            for (var i = 0; i < Rows; i++)
                for (var j = 0; j < Width; j++)
                {
                    noise[i * Width + j] = (float)Synthetic.Normal(rng);
                    planted[i * Width + j] = (float)(Synthetic.Normal(rng) + Strength[c] * (numbers[i] / 50.0 - 1) * dir[j]);
                }
            using (var w = ParquetWriter.Create(Path.Combine(root, name, "part-00000.parquet"),
                       [ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.Int64("number"), ParquetField.String("half"),
                        ParquetField.FloatVector("blocks.0.hook_resid_post", Width), ParquetField.FloatVector("blocks.1.hook_resid_post", Width)]))
            {
                w.WriteInt64("example_id", Enumerable.Range(0, Rows).Select(i => (long)i).ToArray());
                w.WriteInt32("position", new int[Rows]);
                w.WriteInt64("number", numbers);
                w.WriteStrings("half", numbers.Select(n => (string?)(n > 50 ? "high" : "low")).ToArray());
                w.WriteFloatVectors("blocks.0.hook_resid_post", noise);
                w.WriteFloatVectors("blocks.1.hook_resid_post", planted);
                w.EndBatch();
                w.Finish();
            }
            checkpoints.Add(new FamilyDataset(name, name, $"{name}/model.onnx", "small", c * 100, c * 100 * 1024));
        }
        new FamilyDatasets(checkpoints).Save(root);
        return root;
    }

    [Fact]
    public void Number_line_R2_rises_where_training_plants_a_number_direction()
    {
        using var dir = new TempDirectory();
        var family = SyntheticFamily(Path.Combine(dir.Path, "acts"));
        var output = Path.Combine(dir.Path, "pls");
        var metrics = CheckpointNumberLine.Run(new NumberLineSweepRequest { Data = family, Label = "number", Output = output });
        var r2 = metrics[0].Values;
        Assert.Equal(["blocks.0.hook_resid_post", "blocks.1.hook_resid_post"], metrics[0].Hooks);
        Assert.True(r2[1][0] < 0.1 && r2[1][0] < r2[1][1] && r2[1][1] < r2[1][2] && r2[1][2] > 0.9, $"blocks.1 CV R² by step: {string.Join(", ", r2[1])}");
        Assert.All(r2[0], v => Assert.True(v < 0.1, $"noise layer CV R² {v}"));
        // Each checkpoint keeps its ordinary results; the summary is in the family's results.json.
        Assert.True(File.Exists(Path.Combine(output, "small-step-00200", ResultsFile.FileName)));
        Assert.Equal(2, ResultsFile.TryLoad(output)!.Get<CheckpointMetric[]>(CheckpointNumberLine.Entry)!.Length);
    }

    [Fact]
    public void Pca_across_checkpoints_tracks_variance_and_label_separation_and_joins_the_report()
    {
        using var dir = new TempDirectory();
        var family = SyntheticFamily(Path.Combine(dir.Path, "acts"));
        var output = Path.Combine(dir.Path, "pca");
        var metrics = CheckpointPca.Run(new PcaSweepRequest { Data = family, Components = 3, Label = "half", Output = output });
        Assert.Equal(3, metrics.Length);
        var pc1 = metrics[0].Values[1];
        var separation = metrics[2].Values[1];
        Assert.True(pc1[0] < pc1[1] && pc1[1] < pc1[2] && pc1[2] > 0.5, $"PC1 share by step: {string.Join(", ", pc1)}");
        Assert.True(separation[0] < 0.05 && separation[2] > 0.5 && separation[1] < separation[2], $"η² by step: {string.Join(", ", separation)}");
        Assert.All(metrics[1].Values[0], v => Assert.InRange(v, 3.0 / Width, 0.5));   // noise: the top 3 of 12 isotropic axes

        CheckpointNumberLine.Run(new NumberLineSweepRequest { Data = family, Label = "number", Output = Path.Combine(dir.Path, "pls") });
        var page = Path.Combine(dir.Path, "report.html");
        HtmlReport.Write([output, Path.Combine(dir.Path, "pls")], page);
        var html = File.ReadAllText(page);
        Assert.Contains("PCA across training", html);
        Assert.Contains("Number line across training", html);
        Assert.Equal((3 + 2) * 2 * 3, Regex.Matches(html, "class=\"mark cell\"").Count);   // five metrics, 2 layers × 3 steps each
        var (dom, log) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", page);
        Assert.Equal("5", Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"").Groups[1].Value);
        Assert.DoesNotContain("Uncaught", log);
    }

    [Fact]
    public void Eta_squared_is_zero_for_equal_centroids_and_one_for_label_points()
    {
        var x = new Analysis.Numerics.Matrix(4, 1, [1, -1, 1, -1]);
        Assert.Equal(0, LabelSeparation.EtaSquared(x, ["a", "a", "b", "b"]), 12);
        Assert.Equal(1, LabelSeparation.EtaSquared(x, ["a", "b", "a", "b"]), 12);
    }
}

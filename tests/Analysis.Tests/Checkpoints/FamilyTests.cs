using System.Text.Json;
using System.Text.RegularExpressions;
using Analysis.Checkpoints;
using Analysis.Extraction;
using Analysis.Probing;
using Analysis.Reports;
using Analysis.Runtime;
using Analysis.Similarity;
using Analysis.Tests.Extraction;
using Analysis.Tests.Reports;
using Analysis.Tests.Verification;
using Analysis.Verification;

namespace Analysis.Tests.Checkpoints;

/// <summary>The committed model family (onnx-models/family, made by tools/train/train.py): checkpoints of two sizes.</summary>
public class FamilyTests
{
    private static readonly string Family = Models.Folder("family");

    public static TheoryData<string> Committed()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Family, "model.onnx", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Family, Path.GetDirectoryName(f)!));
        return data;
    }

    [Theory]
    [MemberData(nameof(Committed))]
    public void Every_committed_checkpoint_matches_its_torch_logits(string checkpoint)
    {
        var report = ModelVerifier.Verify(Path.Combine(Family, checkpoint));
        Assert.True(report.Passed, $"{checkpoint}: max abs {report.MaxAbsolute:E2}, max rel {report.MaxRelative:E2}");
        Assert.InRange(report.MaxAbsolute, 0, 1e-4);
    }

    [Fact]
    public void The_family_resolves_in_training_order_and_eval_loss_falls()
    {
        var family = ModelFamily.Resolve([Family]);
        var small = family.Where(c => c.Size == "small").ToArray();
        Assert.True(small.Length >= 4, $"{small.Length} small checkpoints");
        Assert.Equal(0, small[0].Step);
        Assert.True(small.Zip(small.Skip(1)).All(p => p.First.Step < p.Second.Step));
        var loss = small.Select(c => EvalLoss(c.Model)).ToArray();
        for (var i = 1; i < loss.Length; i++) Assert.True(loss[i] < loss[i - 1], $"eval loss {string.Join(", ", loss)}");
        Assert.Contains(family, c => c.Size == "large");
    }

    [Fact]
    public void Extraction_probe_similarity_and_report_run_across_checkpoints()
    {
        using var dir = new TempDirectory();
        var stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
        var data = dir.File("data.jsonl", string.Join("\n", File.ReadLines(stories).Take(60)) + "\n");
        var small = ModelFamily.Resolve([Path.Combine(Family, "small")]);
        var first = small[0];
        var last = small[^1];
        var output = Path.Combine(dir.Path, "acts");
        var template = new ExtractionRequest
        {
            Model = "", Tokenizer = "", Data = data, Output = output, Hooks = ["hook_embed", "blocks.*.hook_resid_post"],
            BatchSize = 8, ExamplesPerPart = 32, Device = Device.Cpu, MaxLength = 64,
        };
        FamilyExtraction.Run([first, last], template, null, (_, r) => ActivationExtractor.Run(r));
        var index = FamilyDatasets.Load(output);
        Assert.Equal([first.Step, last.Step], index.Checkpoints.Select(c => c.Step));

        var probes = CheckpointSweep.Run(new LayerSweepRequest
        {
            Data = output, Hooks = "*", LabelFrom = "token:first-char", GroupBy = "token", Output = Path.Combine(dir.Path, "probe"),
            Options = new ProbeOptions { Seeds = [0], BootstrapResamples = 50 },
        });
        Assert.Equal(6, probes.Hooks.Length);
        Assert.Equal(2, probes.Accuracy[0].Length);

        // Step 0 against the final checkpoint: aligned row by row, so CKA is defined; training changed the layers.
        var sim = LayerSimilarity.Run(new SimilarityRequest
        {
            A = FamilyDatasets.DatasetPath(output, index.Checkpoints[0]), B = FamilyDatasets.DatasetPath(output, index.Checkpoints[1]),
            RsaRows = 100, Output = Path.Combine(dir.Path, "similarity"),
        });
        Assert.True(sim.Cka[5][5] < 0.99, $"CKA(step 0, final) at the last block = {sim.Cka[5][5]}");

        var page = Path.Combine(dir.Path, "report.html");
        HtmlReport.Write([Path.Combine(dir.Path, "probe"), Path.Combine(dir.Path, "similarity")], page);
        var html = File.ReadAllText(page);
        Assert.Contains("Probe across training", html);
        Assert.Equal(2 * 6 * 2 + 2 * 36, Regex.Matches(html, "class=\"mark cell\"").Count);   // two layer × step maps, two CKA/RSA maps
        var (dom, log) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", page);
        Assert.Equal("4", Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"").Groups[1].Value);
        Assert.DoesNotContain("Uncaught", log);
    }

    private static double EvalLoss(string model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(model)!, "config.json")));
        return doc.RootElement.GetProperty("training").GetProperty("eval_loss").GetDouble();
    }
}

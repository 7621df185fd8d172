using Analysis.Extraction;
using Analysis.Interventions;
using Analysis.Runtime;
using Analysis.Tests.Reports;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Xunit.Abstractions;

namespace Analysis.Tests.Interventions;

/// <summary>
/// <c>analysis ablate</c>'s sweep: a head's ΔCE and KL equal those computed here from a model whose output projection
/// rows of that head were zeroed (one text per run, no padding); every head gives a layer × head heatmap that renders in
/// Chromium; an SAE feature that never fires changes nothing, bit for bit; bad input is refused.
/// </summary>
public class AblationSweepTests(ITestOutputHelper output)
{
    private static readonly string Model = StoriesActivations.Model;
    private static readonly string[] Texts = [.. PromptFile.Read(Path.Combine(Models.Root, "tools", "demo", "stories.jsonl")).Take(6)];
    private const int MaxLength = 32;

    [Fact]
    public void EveryHeadGivesAHeatmapAndAHeadsLossEqualsZeroingItsOutputProjectionRows()
    {
        using var dir = new Extraction.TempDirectory();
        var outDir = Path.Combine(dir.Path, "ablate");
        var result = AblationSweep.Run(new AblationRequest
        {
            Model = Model, Tokenizer = StoriesActivations.Tokenizer, Texts = Texts, Heads = "all", MaxLength = MaxLength, BatchSize = 4,
            Targets = [" Lily"], Output = outDir,
        });
        Assert.Equal(40, result.Units.Length);
        Assert.Equal([0, 1, 2, 3, 4], result.HeadLayers!);
        Assert.All(result.HeadDeltaCe!, row => Assert.All(row, v => Assert.True(double.IsFinite(v))));
        Assert.True(File.Exists(Path.Combine(outDir, AblationSweep.File)));

        // Independently: zero head 5 of block 2's rows of the output projection, run each text alone, compute CE and KL here.
        var unit = result.Units.Single(u => u.Label == "L2H5");
        using var interventions = InterventionModel.Open(Model, [new("blocks.2.attn.hook_z", EditKind.Replace)]);
        var channels = Ablation.HeadChannels(interventions, "blocks.2.attn.hook_z", 5);
        var edited = AblationTests.HeadZeroed(interventions, "blocks.2.attn.hook_z", channels);
        using var clean = InferenceSession.Open(Model);
        using var ablated = InferenceSession.FromBytes(edited.ToBytes());
        var tokenizer = Tokenizer.Load(StoriesActivations.Tokenizer);
        double ceClean = 0, ceAblated = 0, kl = 0;
        long n = 0;
        foreach (var text in Texts)
        {
            var ids = tokenizer.Encode(text, addSpecialTokens: true, MaxLength, Side.Right).Ids;
            var feeds = new ModelInputs(clean.Inputs).Build([ids], ids.Length, 0);
            using var c = clean.Run(feeds, ["logits"]);
            using var a = ablated.Run(feeds, ["logits"]);
            var (p, q) = (c[0].ToArray<float>(), a[0].ToArray<float>());
            var vocab = p.Length / ids.Length;
            for (var t = 0; t + 1 < ids.Length; t++, n++)
            {
                var lp = LogSoftmax(p.AsSpan(t * vocab, vocab));
                var lq = LogSoftmax(q.AsSpan(t * vocab, vocab));
                ceClean -= lp[ids[t + 1]];
                ceAblated -= lq[ids[t + 1]];
                kl += lp.Select((v, i) => Math.Exp(v) * (v - lq[i])).Sum();
            }
        }
        output.WriteLine($"L2H5: ΔCE {unit.DeltaCe:g6} (independent {(ceAblated - ceClean) / n:g6}), KL {unit.Kl:g6} (independent {kl / n:g6}), clean CE {result.CeLossClean:g6} ({ceClean / n:g6})");
        Assert.Equal(n, result.Tokens);
        Assert.Equal(ceClean / n, result.CeLossClean, 5);
        Assert.Equal(ceAblated / n, unit.CeLoss, 5);
        Assert.Equal(kl / n, unit.Kl, 5);
        Assert.True(unit.Kl > 1e-4, "the head ablation should change the predictions");

        // The report: the heatmap and the bars, drawn in headless Chromium.
        var page = Path.Combine(dir.Path, "report.html");
        Analysis.Reports.HtmlReport.Write([outDir], page);
        var dom = HtmlReportTests.AssertPlotsRender(dir.Path, page, 2, "ablate-heads-report-screenshot.png", height: 1100);
        Assert.Contains("ΔCE when one head is ablated", dom);
    }

    [Fact]
    public void AnSaeFeatureThatNeverFiresChangesNothingAndAnActiveOneDoes()
    {
        using var dir = new Extraction.TempDirectory();
        const string hook = "blocks.2.hook_resid_post";
        var folder = SaeFeatureEditTests.TrainSae(Model, hook, Path.Combine(dir.Path, "sae"), latents: 1024);
        var sae = Analysis.Sae.Sae.Load(folder);
        // Which features fire on these texts, from the hook's clean activations.
        var tokenizer = Tokenizer.Load(StoriesActivations.Tokenizer);
        var fired = new int[sae.DSae];
        using (var model = InterventionModel.Open(Model, [], readHooks: [hook]))
            foreach (var text in Texts)
            {
                using var r = model.Run(model.CreateFeed([tokenizer.Encode(text, addSpecialTokens: true, MaxLength, Side.Right).Ids]));
                var x = r[1].ToArray<float>();
                var z = Ablation.Latents(sae, x, x.Length / sae.DIn);
                for (var i = 0; i < z.Length; i++) if (z[i] > 0) fired[i % sae.DSae]++;
            }
        var silent = Array.IndexOf(fired, 0);
        var busiest = Array.IndexOf(fired, fired.Max());
        Assert.True(silent >= 0, "every feature fires; the test needs a silent one");

        var result = AblationSweep.Run(new AblationRequest
        {
            Model = Model, Tokenizer = StoriesActivations.Tokenizer, Texts = Texts, Sae = folder, Features = $"{silent},{busiest}", MaxLength = MaxLength,
        });
        Assert.Equal(0, result.Units[0].Kl);
        Assert.Equal(result.CeLossClean, result.Units[0].CeLoss);
        Assert.True(result.Units[1].Kl > 1e-4, $"ablating feature {busiest} (fired {fired[busiest]} times) moved KL by only {result.Units[1].Kl:g3}");
    }

    [Fact]
    public void BadInputIsRefused()
    {
        AblationRequest Request(Func<AblationRequest, AblationRequest> change) =>
            change(new AblationRequest { Model = Model, Tokenizer = StoriesActivations.Tokenizer, Texts = ["Once upon a time there was"] });
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r)));                                   // nothing to ablate
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Heads = "9.1" })));             // no layer 9
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Heads = "2.8" })));             // 8 heads
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Heads = "two" })));
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Neurons = ["blocks.1.mlp.hook_post:172"] })));
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Neurons = ["blocks.1.mlp.hook_post"] })));
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Hooks = ["no.such.hook"] })));
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Sae = Models.Root, Features = "1" })));
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Features = "1" })));            // no --sae
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Heads = "1", Kind = AblationKind.Resample })));  // one text
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Heads = "1", MeanData = "x" })));             // not mean
        Assert.Throws<BadInputException>(() => AblationSweep.Run(Request(r => r with { Heads = "1", Texts = [] })));
    }

    private static double[] LogSoftmax(ReadOnlySpan<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        var lse = max + Math.Log(sum);
        var result = new double[logits.Length];
        for (var i = 0; i < logits.Length; i++) result[i] = logits[i] - lse;
        return result;
    }
}

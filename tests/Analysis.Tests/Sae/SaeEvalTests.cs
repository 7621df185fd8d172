using Analysis.Extraction;
using Analysis.Extraction.Sources;
using Analysis.Onnx;
using Analysis.Runtime;
using Analysis.Sae;
using Analysis.Tests.Reports;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Google.Protobuf;

namespace Analysis.Tests.Sae;

/// <summary>
/// <c>sae eval</c> on stories260k blocks.2.hook_resid_post: an exact SAE spliced in leaves the logits unchanged; the
/// zero ablation equals the model with the hook's consumers rewired to a zeros input (an independent edit, loss
/// computed here); trained SAEs recover part of the loss, more with larger k.
/// </summary>
public sealed class SaeEvalTests
{
    private const string Hook = "blocks.2.hook_resid_post";
    private const int D = 64, Sequences = 6, MaxLength = 64;
    private static readonly string Stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
    private static readonly string Model = Path.Combine(Models.Folder("stories260k"), "model.onnx");

    [Fact]
    public void ExactSaeLeavesLogitsUnchangedAndZeroAblationMatchesAnIndependentEdit()
    {
        using var dir = new Extraction.TempDirectory();
        // [I; −I] with k = d: ReLU keeps each coordinate's sign in one of a pair, so the reconstruction is exact.
        var rows = new float[2 * D * D];
        for (var i = 0; i < D; i++) { rows[i * D + i] = 1; rows[(D + i) * D + i] = -1; }
        var identity = new Analysis.Sae.Sae(SaeArchitecture.TopK, D,
            new SaeWeights(D, 2 * D, (float[])rows.Clone(), new float[2 * D], rows, new float[D]), new SaeInfo { HookName = Hook });
        var saeDir = Path.Combine(dir.Path, "identity");
        identity.Save(saeDir);

        var output = Path.Combine(dir.Path, "eval");
        var r = SaeEvaluation.Run(saeDir, Model, Stories, output, maxLength: MaxLength, maxSequences: Sequences);

        Assert.True(r.Fvu < 1e-10, $"FVU {r.Fvu}");
        Assert.Equal(D, r.L0, 1);
        Assert.Equal(r.CeLossClean, r.CeLossSpliced, 5);
        Assert.True(r.KlDiv < 1e-7, $"KL {r.KlDiv}");
        Assert.True(File.Exists(Path.Combine(output, SaeEvaluation.EvalFile)));

        // The report's evaluation section: two histograms and the table, rendered in headless Chromium.
        var page = Path.Combine(dir.Path, "report.html");
        Analysis.Reports.HtmlReport.Write([output], page);
        var dom = HtmlReportTests.AssertPlotsRender(dir.Path, page, 2, "sae-eval-report-screenshot.png", height: 1000);
        Assert.Contains("SAE evaluation", dom);

        // The spliced file is a real ONNX model whose logits equal the original's.
        var sequences = Tokenized();
        using (var clean = InferenceSession.Open(Model))
        using (var spliced = InferenceSession.Open(Path.Combine(output, SaeEvaluation.SplicedFile)))
        {
            var feeds = new ModelInputs(clean.Inputs).Build([sequences[0]], sequences[0].Length, 0);
            using var a = clean.Run(feeds, ["logits"]);
            using var b = spliced.Run(feeds, ["logits"]);
            var (x, y) = (a[0].ToArray<float>(), b[0].ToArray<float>());
            Assert.Equal(x.Length, y.Length);
            for (var i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - y[i]) <= 1e-4f * (1 + Math.Abs(x[i])), $"logit {i}: {x[i]} vs {y[i]}");
        }

        // Independent zero ablation: every consumer of the hook tensor reads a new all-zeros input instead.
        var model = OnnxModel.Load(Model);
        var tensor = HookDiscovery.Discover(model).Resolve([Hook]).Single().Tensor;
        var type = model.InferTypes()[tensor];
        foreach (var node in model.Graph.Node)
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == tensor) node.Input[i] = "zeros";
        model.Graph.Input.Add(type.ToValueInfo("zeros"));
        using var ablated = InferenceSession.FromBytes(model.Proto.ToByteArray());
        var inputs = new ModelInputs([.. ablated.Inputs.Where(i => i.Name != "zeros")]);
        double ce = 0;
        long n = 0;
        foreach (var ids in sequences)
        {
            var feeds = inputs.Build([ids], ids.Length, 0);
            feeds["zeros"] = Tensor.Create(new float[ids.Length * D], 1, ids.Length, D);
            using var res = ablated.Run(feeds, ["logits"]);
            var logits = res[0].ToArray<float>();
            var vocab = logits.Length / ids.Length;
            for (var t = 0; t + 1 < ids.Length; t++, n++)
            {
                var row = logits.AsSpan(t * vocab, vocab);
                var max = row.ToArray().Max();
                ce += max + Math.Log(row.ToArray().Sum(v => Math.Exp(v - max))) - row[ids[t + 1]];
            }
        }
        Assert.Equal(ce / n, r.CeLossZeroAblation, 4);
        Assert.True(r.CeLossZeroAblation > r.CeLossClean + 0.1, $"zero ablation {r.CeLossZeroAblation} vs clean {r.CeLossClean}");
    }

    [Fact]
    public void TrainedSaesRecoverPartOfTheLossAndMoreWithLargerK()
    {
        using var dir = new Extraction.TempDirectory();
        // Activations of the hook on 40 stories, from the model with the hook exposed as an output.
        var x = StoriesSae.Activations(40, MaxLength);
        var recovered = new List<double>();
        foreach (var k in new[] { 1, 4 })
        {
            var saeDir = Path.Combine(dir.Path, $"k{k}");
            StoriesSae.Train(x, saeDir, latents: 64, k, steps: 300);
            var result = SaeEvaluation.Run(saeDir, Model, Stories, Path.Combine(dir.Path, $"eval{k}"), maxLength: MaxLength, maxSequences: Sequences);
            var detail = $"k={k}: FVU {result.Fvu}, CE clean {result.CeLossClean} spliced {result.CeLossSpliced} zero {result.CeLossZeroAblation} mean {result.CeLossMeanAblation}, recovered {result.CeLossRecovered}, KL {result.KlDiv}";
            Console.WriteLine(detail);
            Assert.True(result.CeLossRecovered is > 1e-3 and < 1 - 1e-3, detail);
            Assert.True(result.KlDiv > 0);
            Assert.Equal(k, result.L0, 1);
            recovered.Add(result.CeLossRecovered);
        }
        Assert.True(recovered[1] > recovered[0], $"CE recovered k=1 {recovered[0]}, k=4 {recovered[1]}");
    }

    private static List<int[]> Tokenized()
    {
        var tokenizer = Tokenizer.Load(Models.Folder("stories260k"));
        return [.. ExampleSource.Open(Stories).Read()
            .Select(e => tokenizer.Encode(e.Text, addSpecialTokens: true, MaxLength, Side.Right).Ids)
            .Where(ids => ids.Length >= 2).Take(Sequences)];
    }
}

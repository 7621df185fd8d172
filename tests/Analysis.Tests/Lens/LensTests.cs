using System.Text.Json;
using Analysis.Extraction;
using Analysis.Lens;
using Analysis.Onnx;
using Analysis.Runtime;
using Analysis.Tests.Extraction;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Xunit.Abstractions;

namespace Analysis.Tests.Lens;

public class LensTests(ITestOutputHelper output)
{
    private static readonly string Stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
    private static readonly string StoriesModel = Path.Combine(Models.Folder("stories260k"), "model.onnx");

    internal static List<string> Texts(int count, int skip = 0) => File.ReadLines(Stories).Skip(skip).Take(count)
        .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();

    public static TheoryData<string, string> Decoders => new()
    {
        { "stories260k", "model.onnx" }, { "gpt2-tiny", "model.onnx" }, { "neox-tiny", "model.onnx" },
        { "gpt2-tiny-optimum", "model.onnx" }, { "gpt2-tiny-optimum", "decoder_model_merged.onnx" },
    };

    /// <summary>The cut-out finish applied to the last block's hook_resid_post reproduces the model's own logits.</summary>
    [Theory]
    [MemberData(nameof(Decoders))]
    public void FinishAppliedToTheLastResidualIsTheModel(string folder, string file)
    {
        var path = Path.Combine(Models.Folder(folder), file);
        var model = OnnxModel.Load(path);
        model.SelectNoCacheBranch();
        var finish = ModelFinish.Find(model, HookDiscovery.Discover(model), out var reason);
        Assert.True(finish is not null, reason);
        var cut = finish.Cut(model);
        Assert.True(cut.Graph.Node.Count < model.Graph.Node.Count / 4, $"the finish has {cut.Graph.Node.Count} of {model.Graph.Node.Count} nodes");

        var hooked = HookedModel.Prepare(path, [finish.ResidualHook]);
        using var session = InferenceSession.Open(hooked.Path, new SessionOptions { Device = Device.Cpu });
        using var finishSession = InferenceSession.FromBytes(cut.ToBytes(), new SessionOptions { Device = Device.Cpu });
        var tokenizer = Tokenizer.Load(Path.Combine(Models.Folder(folder), "tokenizer.json"));
        var rows = Texts(3).Select(t => tokenizer.Encode(t).Ids.ToArray()).ToList();
        var length = rows.Max(r => r.Length);
        using var results = session.Run(new ModelInputs(session.Inputs).Build(rows, length, 0));
        var residual = results[hooked.OutputOf[finish.ResidualHook]];
        var logits = results[finish.Logits].ToArray<float>();
        using var lens = finishSession.Run(new Dictionary<string, Tensor>
        {
            [finish.Residual] = Tensor.Create(residual.ToArray<float>(), [.. residual.Shape]),
        });
        var again = lens[finish.Logits].ToArray<float>();
        Assert.Equal(logits.Length, again.Length);
        var worst = logits.Zip(again, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{folder}/{file}: finish {finish.ResidualHook} → {finish.Logits}, {cut.Graph.Node.Count} nodes, max |Δlogit| = {worst:E2}");
        Assert.True(worst <= 1e-4, $"max |Δlogit| = {worst}");
    }

    /// <summary>Post-norm BERT has no final norm: the lens refuses in one sentence.</summary>
    [Fact]
    public void PostNormModelHasNoFinish()
    {
        var folder = Models.Folder("bert-tiny");
        var e = Assert.Throws<BadInputException>(() => LogitLens.Open(new LensOptions
        {
            Model = Path.Combine(folder, "model.onnx"), Tokenizer = Path.Combine(folder, "tokenizer.json"), Device = Device.Cpu,
        }));
        Assert.Contains("no final norm", e.Message);
        Assert.Contains("post-norm", e.Message);
    }

    /// <summary>
    /// The lens at the finish's own layer is the model: KL 0, and top-1 accuracy equal to the model's own next-token
    /// accuracy (argmax of its logits). At an earlier layer every per-token statistic equals one computed here, in double,
    /// from the cut-out finish's logits on that layer's extracted residual. On stories260k accuracy rises with depth.
    /// </summary>
    [Fact]
    public void LensStatisticsMatchTheFinishAndTheModel()
    {
        var folder = Models.Folder("stories260k");
        var tokenizerPath = Path.Combine(folder, "tokenizer.json");
        var texts = Texts(60);
        var rows = new List<LensTokenRow>();
        using var dir = new TempDirectory();
        var setsFile = dir.File("sets.json", """{"pronouns": ["▁she", "▁he", "▁She", "▁He", "▁notatoken"], "punctuation": {"regex": "^[.,!?]$"}}""");
        using var lens = LogitLens.Open(new LensOptions { Model = StoriesModel, Tokenizer = tokenizerPath, Device = Device.Cpu, TopK = 3, BatchSize = 7, TokenSets = setsFile });
        Assert.Equal(["pronouns", "punctuation"], lens.Sets.Sets.Select(s => s.Name));
        Assert.Equal(1, lens.Sets.Sets[0].Missing);
        var result = lens.Analyze(texts.Select((t, i) => ((long)i, t)), rows.Add);
        Assert.Equal(["blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "blocks.2.hook_resid_post", "blocks.3.hook_resid_post", "blocks.4.hook_resid_post"],
            result.Layers.Select(l => l.Hook));
        output.WriteLine("hook                       top1_accuracy  kl_to_final  entropy  p(next)");
        foreach (var l in result.Layers) output.WriteLine($"{l.Hook,-26} {l.Top1Accuracy,13:F4} {l.KlToFinal,12:F4} {l.Entropy,8:F4} {l.NextTokenProbability,8:F4}");

        // The model's own next-token accuracy, from its logits.
        var tokenizer = Tokenizer.Load(tokenizerPath);
        int[] pronouns = [.. new[] { "▁she", "▁he", "▁She", "▁He" }.Select(t => tokenizer.TokenToId(t)!.Value)];
        var punctuation = Enumerable.Range(0, tokenizer.VocabSize).Where(i => tokenizer.IdToToken(i) is "." or "," or "!" or "?").ToArray();
        Assert.Equal(punctuation.Order(), lens.Sets.Sets[1].Ids.Order());
        var model = OnnxModel.Load(StoriesModel);
        var finish = ModelFinish.Find(model, HookDiscovery.Discover(model), out _)!;
        var hooked = HookedModel.Prepare(StoriesModel, ["blocks.1.hook_resid_post"]);
        using var session = InferenceSession.Open(hooked.Path, new SessionOptions { Device = Device.Cpu });
        using var finishSession = InferenceSession.FromBytes(finish.Cut(model).ToBytes(), new SessionOptions { Device = Device.Cpu });
        var inputs = new ModelInputs(session.Inputs);
        long correct = 0, predictions = 0;
        var byToken = rows.Where(r => r.Layer == 1).ToDictionary(r => (r.ExampleId, r.Position));
        for (var e = 0; e < texts.Count; e++)
        {
            var ids = tokenizer.Encode(texts[e]).Ids.ToArray();
            using var run = session.Run(inputs.Build([ids], ids.Length, 0));
            var logits = run[finish.Logits].ToArray<float>();
            var vocab = logits.Length / ids.Length;
            for (var t = 0; t + 1 < ids.Length; t++, predictions++)
                if (Argmax(logits.AsSpan(t * vocab, vocab)) == ids[t + 1]) correct++;

            // Layer 1 through the cut-out finish, statistics in double.
            var residual = run[hooked.OutputOf["blocks.1.hook_resid_post"]];
            using var mid = finishSession.Run(new Dictionary<string, Tensor> { [finish.Residual] = Tensor.Create(residual.ToArray<float>(), [.. residual.Shape]) });
            var layerLogits = mid[finish.Logits].ToArray<float>();
            for (var t = 0; t < ids.Length; t++)
            {
                var p = Softmax(layerLogits.AsSpan(t * vocab, vocab));
                var f = Softmax(logits.AsSpan(t * vocab, vocab));
                double entropy = 0, kl = 0;
                for (var v = 0; v < vocab; v++)
                {
                    if (p[v] > 0) entropy -= p[v] * Math.Log(p[v]);
                    if (f[v] > 0) kl += f[v] * (Math.Log(f[v]) - Math.Log(p[v]));
                }
                var row = byToken[(e, t)];
                Assert.Equal(entropy, row.Entropy, 1e-4);
                Assert.Equal(kl, row.KlToFinal, 1e-4);
                Assert.Equal(Argmax(layerLogits.AsSpan(t * vocab, vocab)), row.TopIds[0]);
                Assert.Equal(p.Max(), row.TopProbabilities[0], 1e-5);
                Assert.Equal(pronouns.Sum(i => p[i]), row.SetMass[0], 1e-5);
                Assert.Equal(punctuation.Sum(i => p[i]), row.SetMass[1], 1e-5);
                if (t + 1 < ids.Length)
                {
                    Assert.Equal(p[ids[t + 1]], row.NextTokenProbability!.Value, 1e-5);
                    Assert.Equal(p.Count(x => x > p[ids[t + 1]]), row.NextTokenRank!.Value);
                }
                else Assert.Null(row.NextTokenId);
            }
        }
        var last = result.Layers[^1];
        Assert.Equal(predictions, result.Predictions);
        Assert.Equal((double)correct / predictions, last.Top1Accuracy, 12);
        Assert.Equal(0, last.KlToFinal);
        Assert.All(rows.Where(r => r.Layer == result.Layers.Count - 1), r => Assert.Equal(0f, r.KlToFinal));
        // Deeper layers predict the next token better.
        for (var l = 1; l < result.Layers.Count; l++) Assert.True(result.Layers[l - 1].Top1Accuracy < result.Layers[l].Top1Accuracy, $"layer {l}");
        Assert.True(result.Layers[0].KlToFinal > result.Layers[^2].KlToFinal);
    }

    private static int Argmax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static double[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (var x in logits) max = Math.Max(max, x);
        var p = new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] - max);
        for (var i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }
}

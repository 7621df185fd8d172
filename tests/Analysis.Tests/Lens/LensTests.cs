using System.Text.Json;
using Analysis.Extraction;
using Analysis.Lens;
using Analysis.Onnx;
using Analysis.Runtime;
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
}

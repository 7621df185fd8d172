using Analysis.Onnx;
using Analysis.Runtime;
using static Analysis.Cli.Tests.InspectCommandTests;

namespace Analysis.Cli.Tests;

/// <summary>
/// The exposed stories260k model, run through our ONNX Runtime binding: the hooks hold what their names promise
/// (residual stream identities, causal softmax rows, the final RMSNorm recomputed by hand), and edits run as intended.
/// </summary>
public sealed class ExposedModelRunTests : IDisposable
{
    private const int D = 64, Heads = 8, Mlp = 172, Blocks = 5;
    private static readonly long[] Ids = [1, 403, 407, 261, 378, 259, 40];
    private readonly string _dir = Directory.CreateTempSubdirectory("analysis-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, Tensor> Inputs(Dictionary<string, Tensor>? extra = null)
    {
        var inputs = new Dictionary<string, Tensor>
        {
            ["input_ids"] = Tensor.Create(Ids, 1, Ids.Length),
            ["attention_mask"] = Tensor.Create(Enumerable.Repeat(1L, Ids.Length).ToArray(), 1, Ids.Length),
        };
        foreach (var (k, v) in extra ?? []) inputs[k] = v;
        return inputs;
    }

    private static Dictionary<string, float[]> Execute(string model, Dictionary<string, Tensor> inputs, Dictionary<string, long[]>? shapes = null)
    {
        using var session = InferenceSession.Open(model);
        using var results = session.Run(inputs);
        foreach (var r in results) shapes?.Add(r.Name, r.Shape.ToArray());
        return results.ToDictionary(r => r.Name, r => r.ToArray<float>());
    }

    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public async Task ExposedHooksHoldTheResidualStreamAndAttention()
    {
        var exposedPath = Path.Combine(_dir, "hooked.onnx");
        var (code, _, error) = await Run("expose", Model("stories260k"), "--hooks", "hook_embed", "blocks.*.*", "blocks.*.*.*", "ln_final.*", "-o", exposedPath);
        Assert.True(code == 0, error);
        var mapping = OnnxModel.Load(exposedPath).ExposedHookOutputs();
        Assert.Equal(1 + Blocks * 7 + 1, mapping.Count);

        var shapes = new Dictionary<string, long[]>();
        var values = Execute(exposedPath, Inputs(), shapes);
        float[] Hook(string name) => values[mapping[name]];
        long T = Ids.Length;

        Close(Execute(Model("stories260k"), Inputs())["logits"], values["logits"], 0, "logits unchanged by exposure");
        for (var l = 0; l < Blocks; l++)
        {
            foreach (var h in new[] { HookNames.ResidPre(l), HookNames.ResidMid(l), HookNames.ResidPost(l), HookNames.AttnOut(l), HookNames.MlpOut(l) })
                Assert.Equal([1, T, D], shapes[mapping[h]]);
            Assert.Equal([1, T, Mlp], shapes[mapping[HookNames.MlpPost(l)]]);
            Assert.Equal([1, Heads, T, T], shapes[mapping[HookNames.AttnPattern(l)]]);

            // The residual stream is the running sum of its branches.
            var mid = Hook(HookNames.ResidPre(l)).Zip(Hook(HookNames.AttnOut(l)), (a, b) => a + b).ToArray();
            Close(mid, Hook(HookNames.ResidMid(l)), 1e-6f, $"resid_mid {l}");
            var post = Hook(HookNames.ResidMid(l)).Zip(Hook(HookNames.MlpOut(l)), (a, b) => a + b).ToArray();
            Close(post, Hook(HookNames.ResidPost(l)), 1e-6f, $"resid_post {l}");

            // Attention rows are causal probability distributions.
            var pattern = Hook(HookNames.AttnPattern(l));
            for (var row = 0; row < Heads * T; row++)
            {
                var q = row % T;
                var p = pattern.AsSpan((int)(row * T), (int)T);
                Assert.Equal(1f, p.ToArray().Sum(), 4);
                for (var k = q + 1; k < T; k++) Assert.Equal(0f, p[(int)k]);
            }
        }

        // ln_final.hook_normalized is RMSNorm(resid_post of the last block) with the model's gain, recomputed here.
        var gain = OnnxModel.Load(Model("stories260k")).ReadTensorData("norm.weight");
        var w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(gain).ToArray();
        var last = Hook(HookNames.ResidPost(Blocks - 1));
        var expected = new float[last.Length];
        for (var t = 0; t < T; t++)
        {
            var x = last.AsSpan(t * D, D);
            var scale = 1 / Math.Sqrt(x.ToArray().Average(v => (double)v * v) + 1e-5);
            for (var i = 0; i < D; i++) expected[t * D + i] = (float)(x[i] * scale * w[i]);
        }
        Close(expected, Hook(HookNames.FinalNormalized), 1e-5f, "ln_final");
    }

    [Fact]
    public void SteeringAndLogitLensRunAsDesigned()
    {
        var model = OnnxModel.Load(Model("stories260k"));
        var hooks = HookDiscovery.Discover(model);
        var resid = hooks.Find(HookNames.ResidPost(2))!;
        var final = hooks.Find(HookNames.ResidPost(Blocks - 1))!;

        // Logit lens: final norm + unembedding applied to the last residual reproduces the logits.
        var exposed = model.Clone();
        exposed.AddOutputs([resid, final]);
        exposed.Save(Path.Combine(_dir, "exposed.onnx"));
        var baseline = Execute(Path.Combine(_dir, "exposed.onnx"), Inputs());
        var lens = model.ExtractSubgraph([final], ["logits"]);
        lens.Save(Path.Combine(_dir, "lens.onnx"));
        var lensLogits = Execute(Path.Combine(_dir, "lens.onnx"), new() { [final] = Tensor.Create(baseline[final], 1, Ids.Length, D) })["logits"];
        Close(baseline["logits"], lensLogits, 1e-5f, "logit lens");

        // Steering: adding v after blocks.2 shifts what the next block reads by exactly v.
        var steered = model.Clone();
        var inserted = steered.InsertAfter(resid, "Add", "steer", [D]);
        steered.AddOutputs([inserted.Original, inserted.Modified]);
        steered.Save(Path.Combine(_dir, "steered.onnx"));
        var v = Enumerable.Range(0, D).Select(i => (float)Math.Sin(i)).ToArray();
        var run = Execute(Path.Combine(_dir, "steered.onnx"), Inputs(new() { ["steer"] = Tensor.Create(v, D) }));
        Close(baseline[resid], run[inserted.Original], 1e-6f, "value before the inserted Add");
        Close(baseline[resid].Select((x, i) => x + v[i % D]).ToArray(), run[inserted.Modified], 1e-6f, "steered value");
        Assert.NotEqual(baseline["logits"], run["logits"]);
        var zero = Execute(Path.Combine(_dir, "steered.onnx"), Inputs(new() { ["steer"] = Tensor.Create(new float[D], D) }));
        Close(baseline["logits"], zero["logits"], 1e-6f, "zero steering");
    }
}

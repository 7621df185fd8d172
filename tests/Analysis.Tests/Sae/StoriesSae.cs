using Analysis.Extraction;
using Analysis.Extraction.Sources;
using Analysis.Onnx;
using Analysis.Runtime;
using Analysis.Sae;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Google.Protobuf;

namespace Analysis.Tests.Sae;

/// <summary>Small TopK SAEs trained in tests on stories260k's blocks.2.hook_resid_post (width 64), from the model run with the hook exposed.</summary>
internal static class StoriesSae
{
    public const string Hook = "blocks.2.hook_resid_post";
    public const int D = 64;
    public static readonly string Stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
    public static readonly string Model = Path.Combine(Models.Folder("stories260k"), "model.onnx");

    /// <summary>The hook's activations [tokens × 64] on <paramref name="texts"/> stories after the first <paramref name="skip"/>, each truncated to <paramref name="maxLength"/> tokens.</summary>
    public static float[] Activations(int texts, int maxLength, int skip = 0)
    {
        var model = OnnxModel.Load(Model);
        var exposed = model.ExposeHooks(HookDiscovery.Discover(model).Resolve([Hook])).Single();
        var tokenizer = Tokenizer.Load(Models.Folder("stories260k"));
        var acts = new List<float>();
        using var session = InferenceSession.FromBytes(model.Proto.ToByteArray());
        var inputs = new ModelInputs(session.Inputs);
        foreach (var e in ExampleSource.Open(Stories).Read().Skip(skip).Take(texts))
        {
            var ids = tokenizer.Encode(e.Text, addSpecialTokens: true, maxLength, Side.Right).Ids;
            using var r = session.Run(inputs.Build([ids], ids.Length, 0), [exposed.Output]);
            acts.AddRange(r[0].ToArray<float>());
        }
        return [.. acts];
    }

    /// <summary>Trains a TopK SAE on <paramref name="x"/> (scaled to mean squared norm d, b_dec at the mean, 256-token batches, lr 2e-3) and saves it to <paramref name="folder"/>.</summary>
    public static void Train(float[] x, string folder, int latents, int k, int steps)
    {
        var rows = x.Length / D;
        var scale = Math.Sqrt(D / (x.Select(v => (double)v * v).Sum() / rows));
        var scaled = x.Select(v => (float)(v * scale)).ToArray();
        var centre = new float[D];
        for (var i = 0; i < rows; i++) for (var t = 0; t < D; t++) centre[t] += scaled[i * D + t] / rows;
        var spec = new SaeSpec { Architecture = SaeArchitecture.TopK, DIn = D, DSae = latents, K = k, DeadTokens = 2000 };
        var trainer = new SaeTrainer(spec, SaeWeights.Initial(D, latents, centre, seed: 5));
        var random = new Random(6);
        var batch = new float[256 * D];
        for (var step = 0; step < steps; step++)
        {
            for (var b = 0; b < 256; b++) Array.Copy(scaled, random.Next(rows) * D, batch, b * D, D);
            trainer.Step(batch, 256, 2e-3);
        }
        Analysis.Sae.Sae.FromTraining(spec, trainer.Weights, new SaeInfo { HookName = Hook, ActivationScale = scale }).Save(folder);
    }
}

using System.Diagnostics;
using Analysis.Extraction.Sources;
using Analysis.Interventions;
using Analysis.Sae;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Xunit.Abstractions;

namespace Analysis.Tests.Interventions;

/// <summary>
/// SAE-feature edits through a spliced SAE with its error term: fed nothing, bit-identical to the clean model; a zero
/// ablation equals numpy encoding the hook's clean values, zeroing the feature, decoding, adding the error term, and
/// the model continuing from there (fed through a replacement edit, which patches bit for bit).
/// </summary>
public class SaeFeatureEditTests(ITestOutputHelper output)
{
    private static readonly int[][] Rows = InterventionIdentityTests.Rows;
    private const string Hook = "blocks.2.hook_resid_post";

    [Theory]
    [InlineData("stories260k")]
    [InlineData("gpt2-tiny")]
    public void NeutralFeedsAreBitIdenticalToTheCleanModel(string name)
    {
        using var dir = new Extraction.TempDirectory();
        var path = Path.Combine(Models.Folder(name), "model.onnx");
        const string hook = "blocks.1.hook_resid_post";
        var width = Width(path, hook);
        var sae = new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, SaeWeights.Initial(width, 3 * width, new float[width], seed: 3), new SaeInfo { HookName = hook });
        var folder = Path.Combine(dir.Path, "sae");
        sae.Save(folder);

        var clean = InterventionIdentityTests.CleanLogits(path, Rows);
        using var model = InterventionModel.Open(path, [.. InterventionIdentityTests.EveryKind, new(hook, EditKind.Feature, folder)]);
        using var neutral = model.Run(model.CreateFeed(Rows));
        InterventionIdentityTests.AssertBitIdentical(clean, neutral[0].ToArray<float>());

        // Scale 1, shift 0 written out in full, and an edit on row 0 only: the other rows stay bit-identical.
        var feed = model.CreateFeed(Rows);
        feed.EditFeature(hook, 1, 5, 1f, 0f);
        feed.EditFeature(hook, 0, 2, 0f, 7f);
        feed.EditFeature(hook, 0, 3, 0f, 7f);
        using var edited = model.Run(feed);
        var logits = edited[0].ToArray<float>();
        var perRow = clean.Length / Rows.Length;
        InterventionIdentityTests.AssertBitIdentical(clean[perRow..], logits[perRow..]);
        Assert.True(Enumerable.Range(0, perRow).Max(i => Math.Abs(clean[i] - logits[i])) > 1e-3, "clamping two features to 7 should move row 0's logits");
    }

    [Fact]
    public void ZeroAblatingAFeatureEqualsNumpyEncodingZeroingDecodingAndAddingTheError()
    {
        using var dir = new Extraction.TempDirectory();
        var folder = TrainSae(StoriesActivations.Model, Hook, Path.Combine(dir.Path, "sae"));
        var sae = Analysis.Sae.Sae.Load(folder);
        var length = Rows.Max(r => r.Length);

        // The clean activations at the hook (read after a neutral edit, so exactly the clean values).
        using var model = InterventionModel.Open(StoriesActivations.Model, [new(Hook, EditKind.Feature, folder)], readHooks: [Hook]);
        using var clean = model.Run(model.CreateFeed(Rows));
        var x = clean[1].ToArray<float>();
        // The feature active at the most real tokens.
        var latents = Ablation.Latents(sae, x, x.Length / sae.DIn);
        var counts = new int[sae.DSae];
        for (var r = 0; r < Rows.Length; r++)
            for (var t = 0; t < Rows[r].Length; t++)
                for (var f = 0; f < sae.DSae; f++) if (latents[(r * length + t) * sae.DSae + f] > 0) counts[f]++;
        var feature = Array.IndexOf(counts, counts.Max());
        Assert.True(counts[feature] >= 3, $"feature {feature} is active at only {counts[feature]} tokens");

        var feed = model.CreateFeed(Rows);
        for (var r = 0; r < Rows.Length; r++) Ablation.ApplyFeatures(feed, model, Hook, r, AblationKind.Zero, [feature]);
        using var ablated = model.Run(feed);

        // numpy, from the safetensors file: encode, zero the feature, decode, add the error term x − decode(z).
        var xPath = Path.Combine(dir.Path, "x.f32");
        var outPath = Path.Combine(dir.Path, "x_ablated.f32");
        File.WriteAllBytes(xPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
        Python(NumpyAblation, Path.Combine(folder, Analysis.Sae.Sae.WeightsFile), xPath, outPath, sae.K.ToString(), feature.ToString());
        var expectedHook = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outPath)).ToArray();
        Assert.Equal(x.Length, expectedHook.Length);

        // The model continues from numpy's values: a replacement edit at every position patches them in bit for bit.
        using var patchModel = InterventionModel.Open(StoriesActivations.Model, [new(Hook, EditKind.Replace)]);
        var patch = patchModel.CreateFeed(Rows);
        expectedHook.CopyTo(patch.Values(Hook), 0);
        Array.Fill(patch.Keep(Hook), false);
        using var expected = patchModel.Run(patch);

        var a = RealPositions(ablated[0].ToArray<float>());
        var e = RealPositions(expected[0].ToArray<float>());
        var maxError = a.Zip(e).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"feature {feature} (active at {counts[feature]} tokens): max |Δlogit| vs numpy {maxError:g3}, vs clean {a.Zip(RealPositions(clean[0].ToArray<float>())).Max(p => Math.Abs(p.First - p.Second)):g3}");
        Assert.True(maxError <= 1e-5, $"max abs logit difference {maxError:g3} (logit scale {e.Max(Math.Abs):g3})");
        var moved = a.Zip(RealPositions(clean[0].ToArray<float>())).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(moved > 1e-3, $"the ablation moved the logits by only {moved:g3}; the comparison would prove nothing");
    }

    // Encode (TopK over ReLU((x − b_dec)·W_enc + b_enc)), zero one feature, decode, add the error term.
    private const string NumpyAblation = """
        import sys, json, struct
        import numpy as np
        weights, x_path, out_path, k, feature = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        raw = open(weights, 'rb').read()
        n = struct.unpack('<Q', raw[:8])[0]
        header = json.loads(raw[8:8 + n])
        def tensor(name):
            h = header[name]
            a, b = h['data_offsets']
            return np.frombuffer(raw[8 + n + a:8 + n + b], dtype=np.float32).reshape(h['shape']).astype(np.float64)
        W_enc, b_enc, W_dec, b_dec = tensor('W_enc'), tensor('b_enc'), tensor('W_dec'), tensor('b_dec')
        x = np.fromfile(x_path, dtype=np.float32).reshape(-1, W_enc.shape[0]).astype(np.float64)
        post = np.maximum((x - b_dec) @ W_enc + b_enc, 0)
        kth = -np.sort(-post, axis=1)[:, k - 1:k]
        z = np.where(post >= kth, post, 0)
        z_edited = z.copy()
        z_edited[:, feature] = 0
        error = x - (z @ W_dec + b_dec)
        (z_edited @ W_dec + b_dec + error).astype(np.float32).tofile(out_path)
        """;

    internal static void Python(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"The numpy oracle failed (python3-numpy): {stderr}");
    }

    /// <summary>A small TopK SAE (k 8) trained for a few hundred steps on the hook's activations over 40 stories.</summary>
    internal static string TrainSae(string modelPath, string hook, string folder, int latents = 128)
    {
        var tokenizer = Tokenizer.Load(Path.GetDirectoryName(modelPath)!);
        using var model = InterventionModel.Open(modelPath, [], readHooks: [hook]);
        var acts = new List<float>();
        foreach (var e in ExampleSource.Open(Path.Combine(Models.Root, "tools", "demo", "stories.jsonl")).Read().Take(40))
        {
            var ids = tokenizer.Encode(e.Text, addSpecialTokens: true, 64, Side.Right).Ids;
            using var r = model.Run(model.CreateFeed([ids]));
            acts.AddRange(r[1].ToArray<float>());
        }
        var d = model.Widths[hook];
        var x = acts.ToArray();
        var rows = x.Length / d;
        var centre = new float[d];
        for (var i = 0; i < rows; i++) for (var t = 0; t < d; t++) centre[t] += x[i * d + t] / rows;
        var spec = new SaeSpec { Architecture = SaeArchitecture.TopK, DIn = d, DSae = latents, K = 8, DeadTokens = 2000 };
        var trainer = new SaeTrainer(spec, SaeWeights.Initial(d, latents, centre, seed: 5));
        var random = new Random(6);
        var batch = new float[256 * d];
        for (var step = 0; step < 200; step++)
        {
            for (var b = 0; b < 256; b++) Array.Copy(x, random.Next(rows) * d, batch, b * d, d);
            trainer.Step(batch, 256, 2e-3);
        }
        Analysis.Sae.Sae.FromTraining(spec, trainer.Weights, new SaeInfo { HookName = hook, ActivationScale = 1 }).Save(folder);
        return folder;
    }

    private static int Width(string path, string hook)
    {
        using var model = InterventionModel.Open(path, [], readHooks: [hook]);
        return model.Widths[hook];
    }

    private static float[] RealPositions(float[] logits)
    {
        var length = Rows.Max(r => r.Length);
        var vocab = logits.Length / (Rows.Length * length);
        return [.. Enumerable.Range(0, Rows.Length).SelectMany(r => logits.Skip(r * length * vocab).Take(Rows[r].Length * vocab))];
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Analysis.Sae;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Sae;

/// <summary>
/// The sparse trainer against a dense PyTorch oracle (tests/Analysis.Tests/Sae/sae_reference.py, Debian's python3-torch):
/// same initial weights and batches, then every step's loss and gradients and the weights after 20 steps must agree to
/// float32 rounding. Dead latents appear early (a short dead window), so the AuxK path is checked too.
/// </summary>
public sealed class SaeTorchTests
{
    private const string Python = "/usr/bin/python3";

    [Theory]
    [InlineData(SaeArchitecture.TopK)]
    [InlineData(SaeArchitecture.BatchTopK)]
    [InlineData(SaeArchitecture.Relu)]
    public void TwentyStepsEqualDenseAutograd(SaeArchitecture architecture)
    {
        const int d = 16, m = 128, k = 4, batch = 64, steps = 20;
        var spec = new SaeSpec { Architecture = architecture, DIn = d, DSae = m, K = k, L1Coefficient = 0.05f, DeadTokens = batch };
        var planted = new PlantedDictionary(d, 24, seed: 5);
        var data = planted.Sample(batch * steps, 3, seed: 6);
        var centre = new float[d];
        for (var i = 0; i < batch; i++) for (var t = 0; t < d; t++) centre[t] += data[i * d + t] / batch;
        var init = SaeWeights.Initial(d, m, centre, seed: 7);
        var lrs = Enumerable.Range(0, steps).Select(s => 4e-3 * Math.Min(1, (s + 1) / 5.0)).ToArray();

        using var dir = new Extraction.TempDirectory();
        Write(dir.Path, "enc_rows", init.EncoderRows); Write(dir.Path, "enc_bias", init.EncoderBias);
        Write(dir.Path, "dec_rows", init.DecoderRows); Write(dir.Path, "dec_bias", init.DecoderBias);
        Write(dir.Path, "batches", data);
        File.WriteAllText(Path.Combine(dir.Path, "cfg.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["d"] = d, ["m"] = m, ["k"] = k, ["batch"] = batch, ["steps"] = steps, ["arch"] = architecture.Name(),
            ["l1"] = spec.L1Coefficient, ["alpha"] = spec.AuxKCoefficient, ["dead_tokens"] = spec.DeadTokens,
            ["threshold_rate"] = spec.ThresholdRate, ["lrs"] = lrs,
        }));
        RunOracle(dir.Path);

        var trainer = new SaeTrainer(spec, init.Clone());
        using var onnx = new OnnxSaeTrainer(spec, init.Clone(), Analysis.Runtime.Device.Cpu);
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "out.json"))).RootElement;
        var losses = expected.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var gradEnc = Read(dir.Path, "grad_enc_rows"); var gradEncBias = Read(dir.Path, "grad_enc_bias");
        var gradDec = Read(dir.Path, "grad_dec_rows"); var gradDecBias = Read(dir.Path, "grad_dec_bias");
        var sawDead = false;
        for (var s = 0; s < steps; s++)
        {
            var x = data.AsSpan(s * batch * d, batch * d).ToArray();
            var g = trainer.Step(x, batch, lrs[s]);
            sawDead |= g.Dead > 0;
            var o = onnx.Step(x, batch, lrs[s]);
            Assert.True(Math.Abs(o.Loss - losses[s]) <= 1e-4 * Math.Max(1, Math.Abs(losses[s])), $"step {s}: onnx engine's loss {o.Loss} vs torch {losses[s]}");
            Assert.True(Math.Abs(g.Loss - losses[s]) <= 1e-4 * Math.Max(1, Math.Abs(losses[s])), $"step {s}: loss {g.Loss} vs torch {losses[s]}");
            AssertClose(gradEnc.AsSpan(s * m * d, m * d), g.EncoderRows, 2e-4, $"step {s} ∂W_enc");
            AssertClose(gradEncBias.AsSpan(s * m, m), g.EncoderBias, 2e-4, $"step {s} ∂b_enc");
            AssertClose(gradDec.AsSpan(s * m * d, m * d), g.DecoderRows, 2e-4, $"step {s} ∂W_dec");
            AssertClose(gradDecBias.AsSpan(s * d, d), g.DecoderBias, 2e-4, $"step {s} ∂b_dec");
        }
        if (architecture != SaeArchitecture.Relu) Assert.True(sawDead, "no latent went dead, so AuxK was never exercised");
        AssertClose(Read(dir.Path, "out_enc_rows"), trainer.Weights.EncoderRows, 1e-4, "W_enc after 20 steps", floor: 1);
        AssertClose(Read(dir.Path, "out_enc_bias"), trainer.Weights.EncoderBias, 1e-4, "b_enc after 20 steps", floor: 1);
        AssertClose(Read(dir.Path, "out_dec_rows"), trainer.Weights.DecoderRows, 1e-4, "W_dec after 20 steps", floor: 1);
        AssertClose(Read(dir.Path, "out_dec_bias"), trainer.Weights.DecoderBias, 1e-4, "b_dec after 20 steps", floor: 1);
        if (architecture == SaeArchitecture.BatchTopK)
            Assert.Equal(expected.GetProperty("threshold").GetDouble(), trainer.Weights.Threshold, 1e-4);
        // The ONNX Runtime engine (OnnxSaeTrainer: the whole step as ONNX graphs) against the same oracle.
        var w = onnx.ReadWeights();
        var noise = OnnxSaeTrainerTests.NoiseLatents(Enumerable.Range(0, steps).Select(s => gradEncBias.AsSpan(s * m, m).ToArray()));
        OnnxSaeTrainerTests.AssertClose(Read(dir.Path, "out_enc_rows"), w.EncoderRows, "onnx engine: W_enc after 20 steps", d, noise);
        OnnxSaeTrainerTests.AssertClose(Read(dir.Path, "out_enc_bias"), w.EncoderBias, "onnx engine: b_enc after 20 steps", 1, noise);
        OnnxSaeTrainerTests.AssertClose(Read(dir.Path, "out_dec_rows"), w.DecoderRows, "onnx engine: W_dec after 20 steps");
        OnnxSaeTrainerTests.AssertClose(Read(dir.Path, "out_dec_bias"), w.DecoderBias, "onnx engine: b_dec after 20 steps");
        if (architecture == SaeArchitecture.BatchTopK)
            Assert.Equal(expected.GetProperty("threshold").GetDouble(), w.Threshold, 1e-4);
    }

    /// <summary>Max abs difference, relative to the larger of floor and the reference's max magnitude.</summary>
    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what, double floor = 1e-3)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0, scale = floor;
        for (var i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(expected[i]));
        var at = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(expected[i] - actual[i]);
            if (diff > worst) (worst, at) = (diff, i);
        }
        Assert.True(worst <= tolerance * scale, $"{what}: max |diff| {worst:g3} at {at} (torch {expected[at]}, ours {actual[at]}; scale {scale:g3})");
    }

    private static void Write(string dir, string name, float[] values) =>
        File.WriteAllBytes(Path.Combine(dir, name + ".bin"), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private static float[] Read(string dir, string name) =>
        MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(dir, name + ".bin"))).ToArray();

    internal static void RunOracle(string folder)
    {
        if (!File.Exists(Python)) Assert.Fail($"{Python} is missing: install python3-torch (tools/setup/sae.sh does) to run the PyTorch oracle tests.");
        var script = Path.Combine(Models.Root, "tests", "Analysis.Tests", "Sae", "sae_reference.py");
        var psi = new ProcessStartInfo(Python, [script, folder]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"The PyTorch oracle failed (is python3-torch installed? tools/setup/sae.sh): {stderr}");
    }
}

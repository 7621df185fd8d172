using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Analysis.Runtime;
using Analysis.Sae;

namespace Analysis.Tests.Sae;

/// <summary>
/// The SAE folder as SAELens and ONNX users meet it: sae_weights.safetensors read by the format's own rules,
/// cfg.json with every field SAELens's loader needs, sae.onnx run by ONNX Runtime, and a SAELens-style forward
/// in PyTorch on the saved tensors, all equal to Sae.Encode/Decode on raw activations.
/// </summary>
public sealed class SaeFormatTests
{
    private static readonly string[] SaeLensFields =
    [
        "architecture", "d_in", "d_sae", "dtype", "device", "model_name", "hook_name", "hook_layer", "hook_head_index",
        "activation_fn_str", "apply_b_dec_to_input", "finetuning_scaling_factor", "normalize_activations", "context_size",
        "prepend_bos", "dataset_path", "dataset_trust_remote_code", "sae_lens_training_version", "model_from_pretrained_kwargs",
        "seqpos_slice", "neuronpedia_id", "reshape_activations",
    ];

    [Theory]
    [InlineData(SaeArchitecture.TopK, "topk")]
    [InlineData(SaeArchitecture.BatchTopK, "jumprelu")]
    [InlineData(SaeArchitecture.Relu, "standard")]
    public void FolderIsReadableBySaeLensRulesAndOnnx(SaeArchitecture architecture, string saeLensArchitecture)
    {
        const int d = 24, m = 40, k = 3;
        var planted = new PlantedDictionary(d, 30, seed: 21);
        using var dir = new Extraction.TempDirectory();
        var raw = planted.Sample(6000, 3, seed: 22);
        for (var i = 0; i < raw.Length; i++) raw[i] *= 7; // raw units differ from normalised ones, so folding matters
        var data = SyntheticDataset.Write(Path.Combine(dir.Path, "acts"), raw, d, rowsPerGroup: 1000);
        var output = Path.Combine(dir.Path, "sae");
        SaeTraining.Run(new SaeTrainingRequest
        {
            Data = data, Hooks = [SyntheticDataset.Hook], Architecture = architecture, Latents = [m], K = [k], L1 = 1f,
            Tokens = 40_000, BatchSize = 256, LearningRate = 3e-3, Output = output,
        });

        // safetensors by the format's rules: u64 LE header length, JSON header, contiguous data to the end of the file.
        var bytes = File.ReadAllBytes(Path.Combine(output, "sae_weights.safetensors"));
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        var expected = new Dictionary<string, long[]> { ["W_enc"] = [d, m], ["b_enc"] = [m], ["W_dec"] = [m, d], ["b_dec"] = [d] };
        if (architecture == SaeArchitecture.BatchTopK) expected["threshold"] = [m];
        var tensors = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        Assert.Equal(expected.Keys.Order(), tensors.Select(t => t.Name).Order());
        var spans = new List<(long Begin, long End)>();
        foreach (var t in tensors)
        {
            Assert.Equal("F32", t.Value.GetProperty("dtype").GetString());
            Assert.Equal(expected[t.Name], t.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()));
            var o = t.Value.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            Assert.Equal(4 * expected[t.Name].Aggregate(1L, (a, b) => a * b), o[1] - o[0]);
            spans.Add((o[0], o[1]));
        }
        spans.Sort();
        Assert.Equal(0, spans[0].Begin);
        for (var i = 1; i < spans.Count; i++) Assert.Equal(spans[i - 1].End, spans[i].Begin);
        Assert.Equal(bytes.Length, 8 + headerLength + spans[^1].End);

        using var cfg = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "cfg.json")));
        foreach (var field in SaeLensFields) Assert.True(cfg.RootElement.TryGetProperty(field, out _), $"cfg.json lacks {field}");
        Assert.Equal(saeLensArchitecture, cfg.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(d, cfg.RootElement.GetProperty("d_in").GetInt32());
        Assert.Equal(m, cfg.RootElement.GetProperty("d_sae").GetInt32());
        Assert.Equal("float32", cfg.RootElement.GetProperty("dtype").GetString());
        Assert.Equal("none", cfg.RootElement.GetProperty("normalize_activations").GetString());
        Assert.Equal(SyntheticDataset.Hook, cfg.RootElement.GetProperty("hook_name").GetString());
        if (architecture == SaeArchitecture.TopK) Assert.Equal(k, cfg.RootElement.GetProperty("k").GetInt32());

        // Our encode/decode on raw activations against ONNX Runtime on sae.onnx.
        var sae = Analysis.Sae.Sae.Load(output);
        const int rows = 200;
        var x = raw.AsSpan(0, rows * d).ToArray();
        var codes = sae.Encode(x, rows);
        var recon = sae.Decode(codes);
        var dense = new float[rows * m];
        for (var i = 0; i < rows; i++)
            for (var p = codes.RowStart[i]; p < codes.RowStart[i + 1]; p++) dense[i * m + codes.Latents[p]] = codes.Values[p];
        using (var session = InferenceSession.Open(Path.Combine(output, "sae.onnx")))
        using (var results = session.Run(new Dictionary<string, Tensor> { ["activations"] = Tensor.Create(x, rows, d) }))
        {
            AssertClose(dense, results["latents"].ToArray<float>(), 1e-4, "ONNX latents");
            AssertClose(recon, results["reconstruction"].ToArray<float>(), 1e-4, "ONNX reconstruction");
        }
        var fvu = 0.0; var variance = 0.0;
        for (var t = 0; t < d; t++)
        {
            var mean = 0.0;
            for (var i = 0; i < rows; i++) mean += x[i * d + t] / rows;
            for (var i = 0; i < rows; i++) { fvu += Math.Pow(recon[i * d + t] - x[i * d + t], 2); variance += Math.Pow(x[i * d + t] - mean, 2); }
        }
        Assert.True(fvu / variance < 0.3, $"the saved SAE reconstructs raw activations poorly (fvu {fvu / variance:0.000}): the input scale was not folded in");

        // A SAELens-style forward in PyTorch, reading the safetensors file with its own parser.
        File.WriteAllBytes(Path.Combine(dir.Path, "x.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
        var torchRecon = SaeLensForward(output, Path.Combine(dir.Path, "x.bin"), rows, d);
        AssertClose(recon, torchRecon, 1e-4, "SAELens-style torch forward");
    }

    private static float[] SaeLensForward(string folder, string xPath, int rows, int d)
    {
        var script = $$"""
            import json, struct, numpy as np, torch
            raw = open(r'{{folder}}/sae_weights.safetensors', 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]; header = json.loads(raw[8:8 + n]); base = 8 + n
            t = {k: torch.from_numpy(np.frombuffer(raw[base + v['data_offsets'][0]: base + v['data_offsets'][1]], dtype='<f4').reshape(v['shape']).copy())
                 for k, v in header.items() if k != '__metadata__'}
            cfg = json.load(open(r'{{folder}}/cfg.json'))
            x = torch.from_numpy(np.fromfile(r'{{xPath}}', dtype=np.float32).reshape({{rows}}, {{d}}))
            pre = (x - t['b_dec']) @ t['W_enc'] + t['b_enc']
            if cfg['architecture'] == 'topk':
                v, i = pre.topk(cfg['k'], dim=-1)
                z = torch.zeros_like(pre).scatter(-1, i, torch.relu(v))
            elif cfg['architecture'] == 'jumprelu':
                z = torch.relu(pre) * (pre > t['threshold'])
            else:
                z = torch.relu(pre)
            out = z @ t['W_dec'] + t['b_dec']
            print(json.dumps(out.flatten().tolist()))
            """;
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) Assert.Fail($"The PyTorch SAELens-style forward failed (python3-torch: tools/setup/sae.sh): {stderr}");
        return JsonSerializer.Deserialize<float[]>(stdout.Result)!;
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1, expected.Max(Math.Abs));
        var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= tolerance * scale, $"{what}: max |diff| {worst:g3} (scale {scale:g3})");
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Analysis.Sae;

/// <summary>
/// A trained sparse autoencoder, in raw activation units: latents = select(ReLU((x − b_dec)·W_enc + b_enc)),
/// reconstruction = latents·W_dec + b_dec. Select is top-k per token (TopK), a threshold (BatchTopK at inference,
/// JumpReLU) or nothing (ReLU). Folder format: sae_weights.safetensors, cfg.json (SAELens field names), sae.onnx.
/// </summary>
public sealed partial class Sae
{
    /// <summary>The weights file SAELens loads.</summary>
    public const string WeightsFile = "sae_weights.safetensors";

    /// <summary>The config file SAELens loads.</summary>
    public const string ConfigFile = "cfg.json";

    /// <summary>The ONNX export (activations → latents, reconstruction).</summary>
    public const string OnnxFile = "sae.onnx";

    private const int EncodeBlock = 1024;

    /// <summary>Wraps weights in raw activation units.</summary>
    public Sae(SaeArchitecture architecture, int k, SaeWeights weights, SaeInfo info)
    {
        (Architecture, K, Weights, Info) = (architecture, k, weights, info);
        if (architecture == SaeArchitecture.TopK && (k <= 0 || k > weights.DSae)) throw new ArgumentException($"k {k} is not between 1 and d_sae {weights.DSae}.");
    }

    /// <summary>How latents are selected (BatchTopK SAEs select by threshold at inference).</summary>
    public SaeArchitecture Architecture { get; }

    /// <summary>Active latents per token (TopK; the training mean for BatchTopK).</summary>
    public int K { get; }

    /// <summary>Weights in raw activation units.</summary>
    public SaeWeights Weights { get; }

    /// <summary>Hook, model, dataset, scale.</summary>
    public SaeInfo Info { get; }

    /// <summary>Input width.</summary>
    public int DIn => Weights.DIn;

    /// <summary>Number of latents.</summary>
    public int DSae => Weights.DSae;

    /// <summary>A trainer's weights (normalised units) with the input scale folded in, so that the SAE reads raw activations.</summary>
    public static Sae FromTraining(SaeSpec spec, SaeWeights trained, SaeInfo info)
    {
        var s = (float)info.ActivationScale;
        var w = trained.Clone();
        System.Numerics.Tensors.TensorPrimitives.Multiply(w.EncoderRows, s, w.EncoderRows);
        System.Numerics.Tensors.TensorPrimitives.Divide(w.DecoderRows, s, w.DecoderRows);
        System.Numerics.Tensors.TensorPrimitives.Divide(w.DecoderBias, s, w.DecoderBias);
        return new Sae(spec.Architecture, spec.K, w, info);
    }

    /// <summary>Codes of rows tokens [rows × d_in] (raw activations).</summary>
    public SparseCodes Encode(float[] x, int rows)
    {
        int d = DIn, m = DSae;
        if (x.Length < (long)rows * d) throw new ArgumentException($"Encode needs {rows} × {d} values.");
        var parts = new List<SparseCodes>();
        var xc = new float[Math.Min(rows, EncodeBlock) * d];
        var pre = new float[(long)Math.Min(rows, EncodeBlock) * m];
        for (var r0 = 0; r0 < rows; r0 += EncodeBlock)
        {
            var n = Math.Min(EncodeBlock, rows - r0);
            for (var i = 0; i < n; i++)
                System.Numerics.Tensors.TensorPrimitives.Subtract(x.AsSpan((r0 + i) * d, d), Weights.DecoderBias, xc.AsSpan(i * d, d));
            EncoderKernel.Forward(xc, n, d, Weights.EncoderRows, Weights.EncoderBias, m, pre);
            parts.Add(Architecture switch
            {
                SaeArchitecture.TopK => LatentSelection.TopK(pre, n, m, K),
                SaeArchitecture.BatchTopK => LatentSelection.Above(pre, n, m, Weights.Threshold),
                _ => LatentSelection.Above(pre, n, m),
            });
        }
        return Concatenate(parts);
    }

    /// <summary>Reconstructions [rows × d_in] of codes (raw units).</summary>
    public float[] Decode(SparseCodes codes)
    {
        var d = DIn;
        var y = new float[(long)codes.Rows * d];
        ParallelWork.For(codes.Rows, (long)d * (codes.Count / Math.Max(1, codes.Rows) + 1), i =>
        {
            var row = y.AsSpan(i * d, d);
            Weights.DecoderBias.CopyTo(row);
            SaeTrainer.Decode(codes, i, Weights.DecoderRows, d, row);
        });
        return y;
    }

    /// <summary>Writes the SAE folder: weights, cfg.json and sae.onnx, each under a temporary name renamed into place.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var w = Weights;
        var encoder = new float[w.EncoderRows.Length]; // W_enc [d_in, d_sae]
        for (var j = 0; j < DSae; j++) for (var t = 0; t < DIn; t++) encoder[(long)t * DSae + j] = w.EncoderRows[(long)j * DIn + t];
        var tensors = new List<(string, long[], float[])>
        {
            ("W_enc", [DIn, DSae], encoder), ("b_enc", [DSae], w.EncoderBias),
            ("W_dec", [DSae, DIn], w.DecoderRows), ("b_dec", [DIn], w.DecoderBias),
        };
        if (Architecture == SaeArchitecture.BatchTopK) tensors.Add(("threshold", [DSae], Enumerable.Repeat(w.Threshold, DSae).ToArray()));
        SafeTensors.Write(Path.Combine(directory, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        WriteAtomically(Path.Combine(directory, OnnxFile), SaeOnnx.Export(this));
        WriteAtomically(Path.Combine(directory, ConfigFile), System.Text.Encoding.UTF8.GetBytes(Config().ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
    }

    /// <summary>Whether a folder holds an SAE (its cfg.json).</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, ConfigFile)) && File.Exists(Path.Combine(directory, WeightsFile));

    /// <summary>
    /// Loads an SAE folder written by <see cref="Save"/>, or a SAELens one of architecture topk, standard or jumprelu with
    /// a scalar-valued threshold.
    /// </summary>
    public static Sae Load(string directory)
    {
        var cfgPath = Path.Combine(directory, ConfigFile);
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(cfgPath) || !File.Exists(weightsPath))
            throw new BadInputException($"{directory} holds no SAE ({ConfigFile} and {WeightsFile}); pass a folder written by 'analysis sae train'.");
        JsonObject cfg;
        try { cfg = JsonNode.Parse(File.ReadAllText(cfgPath)) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw new BadInputException($"{cfgPath} is not valid JSON ({e.Message}); retrain or restore the SAE.", e); }
        var tensors = SafeTensors.Read(weightsPath);
        var dIn = (int?)cfg["d_in"] ?? throw new BadInputException($"{cfgPath} lacks d_in.");
        var dSae = (int?)cfg["d_sae"] ?? throw new BadInputException($"{cfgPath} lacks d_sae.");
        var arch = (string?)cfg["architecture"] ?? "standard";
        float[] Tensor(string name, params long[] shape)
        {
            if (!tensors.TryGetValue(name, out var t) || !t.Shape.SequenceEqual(shape))
                throw new BadInputException($"{weightsPath} has no tensor {name} of shape [{string.Join(", ", shape)}]; the file does not match {ConfigFile}.");
            return t.Data;
        }
        var encoder = Tensor("W_enc", dIn, dSae);
        var rows = new float[encoder.Length];
        for (var t = 0; t < dIn; t++) for (var j = 0; j < dSae; j++) rows[(long)j * dIn + t] = encoder[(long)t * dSae + j];
        var weights = new SaeWeights(dIn, dSae, rows, Tensor("b_enc", dSae), Tensor("W_dec", dSae, dIn), Tensor("b_dec", dIn));
        var analysis = cfg["analysis"] as JsonObject;
        var architecture = arch switch
        {
            "topk" => SaeArchitecture.TopK,
            "jumprelu" => SaeArchitecture.BatchTopK,
            "standard" => SaeArchitecture.Relu,
            _ => throw new BadInputException($"{cfgPath} has architecture '{arch}'; this loader reads topk, jumprelu and standard SAEs."),
        };
        if (architecture == SaeArchitecture.BatchTopK)
        {
            var threshold = Tensor("threshold", dSae);
            if (threshold.Any(v => v != threshold[0]))
                throw new BadInputException($"{weightsPath} has a threshold per latent; this loader reads JumpReLU SAEs with one threshold (BatchTopK).");
            weights.Threshold = threshold[0];
        }
        var k = (int?)cfg["k"] ?? (int?)analysis?["k"] ?? (int?)cfg["activation_fn_kwargs"]?["k"] ?? 0;
        var info = new SaeInfo
        {
            HookName = (string?)cfg["hook_name"] ?? "", ModelName = (string?)cfg["model_name"] ?? "",
            DatasetPath = (string?)cfg["dataset_path"] ?? "", ContextSize = (int?)cfg["context_size"] ?? 0,
            ActivationScale = (double?)analysis?["activation_scale"] ?? 1, TrainingTokens = (long?)analysis?["training_tokens"] ?? 0,
        };
        return new Sae(architecture, k, weights, info);
    }

    // SAELens's fields, both the 6.x names and the older ones its loader still converts from, so any version loads it.
    private JsonObject Config()
    {
        var architecture = Architecture switch { SaeArchitecture.TopK => "topk", SaeArchitecture.BatchTopK => "jumprelu", _ => "standard" };
        var activation = Architecture == SaeArchitecture.TopK ? "topk" : "relu";
        var layer = LayerOf().Match(Info.HookName);
        var cfg = new JsonObject
        {
            ["architecture"] = architecture,
            ["d_in"] = DIn,
            ["d_sae"] = DSae,
            ["dtype"] = "float32",
            ["device"] = "cpu",
            ["model_name"] = Info.ModelName,
            ["hook_name"] = Info.HookName,
            ["hook_layer"] = layer.Success ? int.Parse(layer.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            ["hook_head_index"] = null,
            ["activation_fn"] = activation,
            ["activation_fn_str"] = activation,
            ["activation_fn_kwargs"] = Architecture == SaeArchitecture.TopK ? new JsonObject { ["k"] = K } : new JsonObject(),
            ["apply_b_dec_to_input"] = true,
            ["finetuning_scaling_factor"] = false,
            ["normalize_activations"] = "none",
            ["reshape_activations"] = "none",
            ["context_size"] = Info.ContextSize,
            ["prepend_bos"] = true,
            ["dataset_path"] = Info.DatasetPath,
            ["dataset_trust_remote_code"] = false,
            ["sae_lens_training_version"] = null,
            ["model_from_pretrained_kwargs"] = new JsonObject(),
            ["seqpos_slice"] = new JsonArray((JsonNode?)null),
            ["neuronpedia_id"] = null,
            ["analysis"] = new JsonObject
            {
                ["training_architecture"] = Architecture.Name(),
                ["k"] = K,
                ["activation_scale"] = Info.ActivationScale,
                ["training_tokens"] = Info.TrainingTokens,
                ["weights_in"] = "raw activation units (the training scale is folded in)",
            },
        };
        if (Architecture == SaeArchitecture.TopK) cfg["k"] = K;
        return cfg;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        File.WriteAllBytes(path + ".tmp", bytes);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static SparseCodes Concatenate(List<SparseCodes> parts)
    {
        if (parts.Count == 1) return parts[0];
        var rows = parts.Sum(p => p.Rows);
        var count = parts.Sum(p => p.Count);
        var start = new int[rows + 1]; var idx = new int[count]; var val = new float[count];
        int r = 0, o = 0;
        foreach (var p in parts)
        {
            for (var i = 0; i < p.Rows; i++) start[r + i + 1] = o + p.RowStart[i + 1];
            p.Latents.AsSpan(0, p.Count).CopyTo(idx.AsSpan(o)); p.Values.AsSpan(0, p.Count).CopyTo(val.AsSpan(o));
            r += p.Rows; o += p.Count;
        }
        return new SparseCodes(start, idx, val);
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.")]
    private static partial Regex LayerOf();
}

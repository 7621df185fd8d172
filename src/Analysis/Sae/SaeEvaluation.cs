using System.Text.Json;
using Google.Protobuf;
using Analysis.Extraction;
using Analysis.Extraction.Sources;
using Analysis.Onnx;
using Analysis.Onnx.Proto;
using Analysis.Results;
using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Sae;

/// <summary>
/// <c>analysis sae eval</c>: runs the model on text, encodes the hook's activations (MSE, FVU, L0, dead/dense latents,
/// density) and compares next-token loss of the clean model, the model with the SAE's ONNX graph spliced in at the hook,
/// and the model with the hook zero- and mean-ablated. One sequence per run, so no padding touches the loss.
/// </summary>
public static class SaeEvaluation
{
    /// <summary>The metrics file in the output folder.</summary>
    public const string EvalFile = "eval.json";

    /// <summary>The spliced model in the output folder.</summary>
    public const string SplicedFile = "spliced.onnx";

    /// <summary>The ablation model's scale and shift inputs: hook ← hook · scale + shift.</summary>
    internal const string ScaleInput = "sae_eval.ablation_scale", ShiftInput = "sae_eval.ablation_shift";

    /// <summary>Snake-case JSON for eval.json.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Evaluates the SAE in <paramref name="saePath"/> on <paramref name="model"/> and the texts in <paramref name="data"/>; writes eval.json, results.json and spliced.onnx to <paramref name="output"/>.</summary>
    public static SaeEvalResult Run(string saePath, string model, string data, string output, string? tokenizerPath = null,
        int maxLength = 128, int maxSequences = int.MaxValue, string textField = "text", Action<long, long>? progress = null)
    {
        if (!Analysis.Sae.Sae.Exists(saePath)) throw new BadInputException($"'{saePath}' is not an SAE folder (no {Analysis.Sae.Sae.ConfigFile} and {Analysis.Sae.Sae.WeightsFile}); pass the folder `analysis sae train` wrote.");
        var sae = Analysis.Sae.Sae.Load(saePath);
        var modelPath = Directory.Exists(model) ? Path.Combine(model, "model.onnx") : model;
        if (!File.Exists(modelPath)) throw new BadInputException($"The model '{model}' does not exist; pass a model.onnx or its folder.");
        tokenizerPath ??= Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        if (maxLength < 2) throw new BadInputException($"--max-length {maxLength} leaves no next token to predict; use at least 2.");

        var graphs = Build(sae, saePath, modelPath);
        var tokenizer = Tokenizer.Load(tokenizerPath);
        var sequences = new List<int[]>();
        foreach (var example in ExampleSource.Open(data, new SourceOptions(textField)).Read())
        {
            if (sequences.Count >= maxSequences) break;
            var ids = tokenizer.Encode(example.Text, addSpecialTokens: true, maxLength, Side.Right).Ids;
            if (ids.Length >= 2) sequences.Add(ids);
        }
        if (sequences.Count == 0) throw new BadInputException($"'{data}' has no text of two or more tokens; give it some text to evaluate on.");

        Directory.CreateDirectory(output);
        var splicedPath = Path.Combine(output, SplicedFile);
        graphs.Spliced.Save(splicedPath + ".tmp");
        var acc = new SaeDataMetrics(sae);
        double ceClean = 0, ceSpliced = 0, ceZero = 0, ceMean = 0, kl = 0;
        long predicted = 0;
        using (var clean = InferenceSession.FromBytes(graphs.Clean.ToByteArray()))
        using (var spliced = InferenceSession.Open(splicedPath + ".tmp"))
        using (var ablated = InferenceSession.FromBytes(graphs.Ablated.ToByteArray()))
        {
            var inputs = new ModelInputs(clean.Inputs);
            var ablationInputs = new ModelInputs([.. ablated.Inputs.Where(i => i.Name is not (ScaleInput or ShiftInput))]);
            var logitsName = clean.Outputs.Any(o => o.Name == "logits") ? "logits" : clean.Outputs[0].Name;
            var zeros = new float[sae.DIn];
            var done = 0L;
            foreach (var ids in sequences)
            {
                var feeds = inputs.Build([ids], ids.Length, 0);
                using var c = clean.Run(feeds, [logitsName, graphs.HookOutput]);
                var cleanLogits = c[0].ToArray<float>();
                acc.Add(c[1].ToArray<float>(), ids.Length);
                using var s = spliced.Run(feeds, [logitsName]);
                var splicedLogits = s[0].AsSpan<float>();
                var zero = Ablate(ablated, ablationInputs, ids, logitsName, 0, zeros);
                var vocab = cleanLogits.Length / ids.Length;
                for (var t = 0; t + 1 < ids.Length; t++)
                {
                    var target = ids[t + 1];
                    var p = cleanLogits.AsSpan(t * vocab, vocab);
                    var q = splicedLogits.Slice(t * vocab, vocab);
                    var (lseP, lseQ) = (LogSumExp(p), LogSumExp(q));
                    ceClean += lseP - p[target];
                    ceSpliced += lseQ - q[target];
                    ceZero += LogSumExp(zero.AsSpan(t * vocab, vocab)) - zero[t * vocab + target];
                    for (var v = 0; v < vocab; v++)
                    {
                        var lp = p[v] - lseP;
                        kl += Math.Exp(lp) * (lp - (q[v] - lseQ));
                    }
                    predicted++;
                }
                progress?.Invoke(++done, 2L * sequences.Count);
            }
            // Mean ablation needs the mean over all the data first: a second pass.
            var mean = acc.Mean().Select(v => (float)v).ToArray();
            foreach (var ids in sequences)
            {
                var logits = Ablate(ablated, ablationInputs, ids, logitsName, 0, mean);
                var vocab = logits.Length / ids.Length;
                for (var t = 0; t + 1 < ids.Length; t++)
                    ceMean += LogSumExp(logits.AsSpan(t * vocab, vocab)) - logits[t * vocab + ids[t + 1]];
                progress?.Invoke(++done, 2L * sequences.Count);
            }
        }

        var n = (double)predicted;
        var result = acc.Finish() with
        {
            Sae = saePath,
            Hook = graphs.Hook,
            Sequences = sequences.Count,
            CeLossClean = ceClean / n,
            CeLossSpliced = ceSpliced / n,
            CeLossZeroAblation = ceZero / n,
            CeLossMeanAblation = ceMean / n,
            CeLossRecovered = (ceZero - ceSpliced) / (ceZero - ceClean),
            KlDiv = kl / n,
            SplicedModel = SplicedFile,
        };
        File.Move(splicedPath + ".tmp", splicedPath, overwrite: true);
        File.WriteAllText(Path.Combine(output, EvalFile + ".tmp"), JsonSerializer.Serialize(result, Json));
        File.Move(Path.Combine(output, EvalFile + ".tmp"), Path.Combine(output, EvalFile), overwrite: true);
        ResultsFile.Save(output, new Dictionary<string, string> { ["sae"] = saePath, ["model"] = modelPath, ["data"] = data }, ("saeEval", new[] { result }));
        return result;
    }

    /// <summary>The three graphs: clean (hook exposed), spliced (SAE reconstruction replaces the hook), ablated (hook · scale + shift).</summary>
    internal sealed record Graphs(string Hook, string Tensor, ModelProto Clean, string HookOutput, OnnxModel Spliced, ModelProto Ablated);

    /// <summary>Resolves the SAE's hook in the model and builds the clean, spliced and ablation graphs.</summary>
    internal static Graphs Build(Sae sae, string saePath, string modelPath)
    {
        var model = OnnxModel.Load(modelPath);
        model.SelectNoCacheBranch();
        var hookName = sae.Info.HookName;
        HookPoint hook;
        try { hook = HookDiscovery.Discover(model).Resolve([hookName]).Single(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new BadInputException($"The SAE's hook '{hookName}' is not a tensor of '{modelPath}' ({e.Message}); evaluate it on the model it was trained on.");
        }

        var clean = model.Clone();
        var exposed = clean.ExposeHooks([hook]).Single();

        var saeOnnx = Path.Combine(saePath, Analysis.Sae.Sae.OnnxFile);
        var inner = ModelProto.Parser.ParseFrom(File.Exists(saeOnnx) ? File.ReadAllBytes(saeOnnx) : SaeOnnx.Export(sae)).Graph;
        var spliced = model.Clone();
        spliced.Splice(hook.Tensor, inner, "reconstruction", "sae.");

        var ablated = model.Clone();
        ablated.InsertAfter(hook.Tensor, "Mul", ScaleInput, [Dim.Of(1)]);
        ablated.InsertAfter(hook.Tensor, "Add", ShiftInput, [Dim.Of(sae.DIn)]);
        return new Graphs(hook.Name, hook.Tensor, clean.Proto, exposed.Output, spliced, ablated.Proto);
    }

    private static float[] Ablate(InferenceSession session, ModelInputs inputs, int[] ids, string logits, float scale, float[] shift)
    {
        var feeds = inputs.Build([ids], ids.Length, 0);
        feeds[ScaleInput] = Tensor.Create(new[] { scale }, 1);
        feeds[ShiftInput] = Tensor.Create(shift, shift.Length);
        using var r = session.Run(feeds, [logits]);
        return r[0].ToArray<float>();
    }

    private static double LogSumExp(ReadOnlySpan<float> x)
    {
        var max = System.Numerics.Tensors.TensorPrimitives.Max(x);
        double sum = 0;
        foreach (var v in x) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}

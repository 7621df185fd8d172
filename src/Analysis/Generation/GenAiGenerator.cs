using System.Runtime.InteropServices;
using Analysis.Interventions;
using Analysis.Runtime;
using Analysis.Tokenizers;
using Microsoft.ML.OnnxRuntimeGenAI;
using Tokenizer = Analysis.Tokenizers.Tokenizer;
using GenAiTensor = Microsoft.ML.OnnxRuntimeGenAI.Tensor;
using OgaGenerator = Microsoft.ML.OnnxRuntimeGenAI.Generator;

namespace Analysis.Generation;

/// <summary>
/// Autoregressive generation with the model's KV cache through ONNX Runtime GenAI: the prompt runs once, then one token
/// per step with the cache fed back. GenAI runs our libonnxruntime.so (docs/runtime.md). Steering and clamping are
/// compiled into the model as extra graph inputs (the same edits as <see cref="InterventionModel"/>), fed broadcastable
/// ([1, 1] positions, [1, 1, C] masks) so one value serves the prompt step and every single-token step. With
/// interventions the clean and the intervened continuation are two runs of the same edited model, the clean one fed
/// neutral inputs (bit-identical to the unedited model), with the same seed.
/// </summary>
public static class GenAiGenerator
{
    /// <summary>The method as the results name it.</summary>
    public const string Method = "ONNX Runtime GenAI 0.18 with the model's KV cache (one token per step)";

    /// <summary>Generates; <paramref name="onToken"/> sees each new token of the output row as it comes.</summary>
    /// <exception cref="BadInputException">GenAI refuses the model, or a value cannot be inferred.</exception>
    /// <exception cref="GenAiUnsupportedException">The model has no KV cache, or an intervention GenAI generation cannot carry (the recompute loop can).</exception>
    public static GenerationResult Run(GenerationRequest request, Action<int>? onToken = null)
    {
        var sampling = request.Sampling.Validated();
        var (tokenizer, promptIds, stop, steering, points) = GenerationPlan.Of(request);
        var intervened = points.Count > 0;
        var length = promptIds.Length + request.MaxNewTokens;
        var folder = GenAiModelFolder.Prepare(request.Model, points, tokenizer, length);
        foreach (var c in request.Clamps)
            if (c.Channel < 0 || c.Channel >= folder.Widths[c.Hook])
                throw new BadInputException($"Channel {c.Channel} is out of range for hook '{c.Hook}', which has {folder.Widths[c.Hook]} channels.");
        foreach (var s in steering)
            if (s.Direction.Vector.Length != folder.Widths[s.Hook!])
                throw new BadInputException($"The direction has {s.Direction.Vector.Length} values but hook '{s.Hook}' has {folder.Widths[s.Hook!]} channels; make the direction at a hook of that width.");

        var context = (int)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(folder.ConfigPath))!["model"]!["context_length"]!;
        if (length > context)
            throw new BadInputException($"The prompt ({promptIds.Length} tokens) and --max-new-tokens {request.MaxNewTokens} exceed the model's context length of {context} tokens; ask for at most {Math.Max(0, context - promptIds.Length)} new tokens.");
        using var model = Open(folder, request.Model);
        Continuation Generate(bool withEdits, Action<int>? seen)
        {
            var ids = new List<int>();
            var stopped = "max tokens";
            if (request.MaxNewTokens == 0) return new Continuation([], "", stopped);
            using var inputs = new EditInputs();
            using var settings = new GeneratorParams(model);
            settings.SetSearchOption("max_length", length);
            settings.SetSearchOption("do_sample", !sampling.Greedy);
            if (!sampling.Greedy)
            {
                settings.SetSearchOption("temperature", sampling.Temperature);
                settings.SetSearchOption("top_p", sampling.TopP);
                settings.SetSearchOption("top_k", tokenizer.VocabSize); // nucleus sampling only, as the recompute loop does
                settings.SetSearchOption("random_seed", sampling.Seed);
            }
            using var generator = new OgaGenerator(model, settings);
            if (intervened) inputs.Feed(generator, folder, withEdits ? steering : [], withEdits ? request.Clamps : []);
            generator.AppendTokens(promptIds);
            while (ids.Count < request.MaxNewTokens && !generator.IsDone())
            {
                generator.GenerateNextToken();
                var next = generator.GetNextTokens()[0];
                if (stop.Contains(next)) { stopped = "stop token"; break; }
                ids.Add(next);
                seen?.Invoke(next);
            }
            return new Continuation(ids.ToArray(), Generator.ContinuationText(tokenizer, promptIds, [.. promptIds, .. ids]), stopped);
        }

        Continuation Guarded(bool withEdits, Action<int>? seen)
        {
            try { return Generate(withEdits, seen); }
            catch (OnnxRuntimeGenAIException e) { throw Refused(request.Model, folder, e); }
        }
        var clean = intervened ? Guarded(false, null) : null;
        var output = Guarded(true, onToken);
        var described = steering.Select(s => $"steer {s.Hook} += {s.Alpha:g4} × ({s.Direction.Source})")
            .Concat(request.Clamps.Select(c => $"clamp {c.Hook}[{c.Channel}] = {c.Value:g4}")).ToArray();
        return new GenerationResult(request.Prompt, promptIds, output, clean, described, Method);
    }

    /// <summary>
    /// The folder GenAI runs for <paramref name="request"/>'s model and interventions (the derived model and its inferred
    /// genai_config.json, in the analysis cache), built on first use: open it with GenAI's own API to generate without us.
    /// </summary>
    public static string ModelFolder(GenerationRequest request)
    {
        var plan = GenerationPlan.Of(request);
        return GenAiModelFolder.Prepare(request.Model, plan.Points, plan.Tokenizer, plan.PromptIds.Length + request.MaxNewTokens).Folder;
    }

    // Our ORT is mapped first, so GenAI's loader reuses it (it looks for an already loaded libonnxruntime.so).
    private static Model Open(GenAiModelFolder folder, string modelPath)
    {
        _ = OrtEnvironment.Shared;
        try { return new Model(folder.Folder); }
        catch (OnnxRuntimeGenAIException e) { throw Refused(modelPath, folder, e); }
    }

    // GenAI's errors come from the model or the config inferred for it, which the user can only avoid by the other backend.
    private static BadInputException Refused(string modelPath, GenAiModelFolder folder, OnnxRuntimeGenAIException e) =>
        new($"ONNX Runtime GenAI cannot run '{modelPath}' (its config, inferred into {folder.ConfigPath}): {e.Message.Trim().TrimEnd('.').ReplaceLineEndings(" ")}; use --backend recompute.", e);

    /// <summary>The extra graph inputs of one run, in pinned memory that outlives the generator's steps.</summary>
    private sealed class EditInputs : IDisposable
    {
        private readonly List<GCHandle> _pins = [];
        private readonly List<GenAiTensor> _tensors = [];

        public void Feed(OgaGenerator generator, GenAiModelFolder folder, IReadOnlyList<SteeringEdit> steering, IReadOnlyList<ClampEdit> clamps)
        {
            foreach (var (prefix, inputs) in folder.Edits)
            {
                var hook = prefix[(prefix.IndexOf('.') + 1)..];
                var width = folder.Widths[hook];
                if (inputs.ContainsKey("vector"))
                {
                    var vector = new float[width];
                    foreach (var s in steering.Where(s => s.Hook == hook))
                        for (var i = 0; i < width; i++) vector[i] += (float)(s.Alpha * s.Direction.Vector[i]);
                    Set(generator, inputs["vector"], vector, [1, width], ElementType.float32);
                    Set(generator, inputs["positions"], new[] { 1f }, [1, 1], ElementType.float32);
                }
                else
                {
                    var keep = Enumerable.Repeat(true, width).ToArray();
                    var values = new float[width];
                    foreach (var c in clamps.Where(c => c.Hook == hook)) (keep[c.Channel], values[c.Channel]) = (false, c.Value);
                    Set(generator, inputs["keep"], keep, [1, 1, width], ElementType.bool_t);
                    Set(generator, inputs["values"], values, [1, 1, width], ElementType.float32);
                }
            }
        }

        private void Set(OgaGenerator generator, string name, Array data, long[] shape, ElementType type)
        {
            var pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            _pins.Add(pin);
            var tensor = new GenAiTensor(pin.AddrOfPinnedObject(), shape, type);
            _tensors.Add(tensor);
            generator.SetModelInput(name, tensor);
        }

        public void Dispose()
        {
            foreach (var t in _tensors) t.Dispose();
            foreach (var p in _pins) p.Free();
        }
    }
}

using System.Text.Json;
using Analysis.Extraction;
using Analysis.Extraction.Dataset;
using Analysis.Interventions;
using Analysis.Onnx;
using Analysis.Tokenizers;

namespace Analysis.Generation;

/// <summary>
/// The folder ONNX Runtime GenAI opens for a model: a derived entry in the analysis cache (the user's folder is never
/// written) holding the model — its with-past branch selected for an Optimum merged decoder, steering and clamping edits
/// spliced in as extra graph inputs — and the genai_config.json inferred for it (<see cref="GenAiConfig"/>).
/// </summary>
/// <param name="Folder">The folder to open.</param>
/// <param name="Cache">The model's KV cache layout.</param>
/// <param name="Edits">The graph inputs of each edit.</param>
/// <param name="Widths">The channel width of each edited hook.</param>
internal sealed record GenAiModelFolder(string Folder, KvCacheLayout Cache, IReadOnlyDictionary<string, Dictionary<string, string>> Edits,
    IReadOnlyDictionary<string, int> Widths)
{
    private const int Version = 1;
    private const string ConfigFile = "genai_config.json";

    /// <summary>What the cache entry records beside the graph.</summary>
    private sealed record Description(KvCacheLayout Cache, Dictionary<string, Dictionary<string, string>> Edits, Dictionary<string, int> Widths);

    /// <summary>The folder for <paramref name="modelPath"/> with <paramref name="points"/> compiled in, built on first use.</summary>
    /// <exception cref="GenAiUnsupportedException">The model has no KV cache, or an edit GenAI cannot carry.</exception>
    /// <exception cref="BadInputException">An edit or a config value cannot be made.</exception>
    public static GenAiModelFolder Prepare(string modelPath, IReadOnlyList<InterventionPoint> points, Tokenizer tokenizer, int minimumLength)
    {
        var configJson = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "config.json");
        var context = GenAiConfig.ContextLength(configJson);
        var key = points.Select(p => $"{p.Kind}:{p.Hook}")
            .Append($"tokens:{tokenizer.BosId}/{tokenizer.EosId}/{tokenizer.PadId}/{tokenizer.VocabSize}")
            .Append($"context:{context?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "run-" + minimumLength}").ToList();
        var entry = DerivedGraphCache.For("genai", Version, modelPath, null, key);
        var folder = Path.GetDirectoryName(entry.GraphPath)!;
        if (entry.TryLoad<Description>() is { } saved && File.Exists(Path.Combine(folder, ConfigFile)))
            return new GenAiModelFolder(folder, saved.Cache, saved.Edits, saved.Widths);

        var model = OnnxModel.Load(modelPath);
        var cache = KvCacheLayout.Find(model);
        if (cache is null && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder); // no empty entry per plain model
        if (cache is null)
            throw new GenAiUnsupportedException($"'{modelPath}' has no KV cache (no past_key_values.N.key inputs), so ONNX Runtime GenAI cannot run it (export it with its cache: tools/export/llama2c.py --kv-cache, Optimum's text-generation-with-past)", noCache: true);
        // GenAI feeds an empty past on the first step, which the with-past branch handles; it never feeds use_cache_branch.
        if (cache.HasCacheBranch) model.SelectBranch(OnnxModel.CacheBranchInput, true);
        var hooks = HookDiscovery.Discover(model);
        var edits = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var widths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var point in points.Distinct())
        {
            var tensor = ResolveHook(hooks, point.Hook);
            var type = model.InferTypes()[tensor];
            if (type.Shape is not { Count: 3 } shape || shape[2].Value is not { } width || type.ElementType != Onnx.Proto.TensorProto.Types.DataType.Float)
                throw new GenAiUnsupportedException($"hook '{point.Hook}' is {type}; edits during GenAI generation need a float32 [batch, positions, channels] hook with fixed channels");
            widths[point.Hook] = checked((int)width);
            try
            {
                var inputs = point.Kind == EditKind.Steer ? model.AddSteering(tensor, point.Prefix) : model.AddReplacement(tensor, point.Prefix);
                edits[point.Prefix] = inputs.Inputs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            }
            catch (ArgumentException e) { throw new BadInputException($"Cannot intervene on hook '{point.Hook}': {e.Message}", e); }
        }

        var config = GenAiConfig.Infer(model, cache, hooks, tokenizer, "model.onnx", configJson, minimumLength);
        model.Save(entry.GraphPath);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        entry.SaveDescription(new Description(cache, edits, widths));
        return new GenAiModelFolder(folder, cache, edits, widths);
    }

    private static string ResolveHook(HookMap hooks, string hook)
    {
        if (hook.EndsWith(".attn.hook_z", StringComparison.Ordinal))
            throw new GenAiUnsupportedException($"per-head edits ('{hook}') are found structurally only by the recompute loop");
        try
        {
            var resolved = hooks.Resolve([hook]);
            if (resolved.Count != 1) throw new BadInputException($"'{hook}' names {resolved.Count} hooks; name exactly one hook per intervention.");
            return resolved[0].Tensor;
        }
        catch (ArgumentException e) { throw new BadInputException(e.Message, e); }
    }

    /// <summary>The config file's path.</summary>
    public string ConfigPath => Path.Combine(Folder, ConfigFile);
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analysis.Extraction;
using Analysis.Extraction.Dataset;
using Analysis.Onnx;

namespace Analysis.Attention;

/// <summary>
/// The model with <see cref="AttentionStatisticsHead"/> appended to every attention pattern hook (the Softmax outputs
/// discovery finds): its only outputs are the per-head sums, [batch, heads, 4] per layer. The patterns are not outputs:
/// ONNX Runtime keeps a graph output's buffer to the end of the run, and the patterns of every layer at once are what
/// this graph exists to avoid holding. Cached by model content, hook map and hooks.
/// </summary>
internal sealed record AttentionGraph(string Path, List<AttentionGraphLayer> Layers, List<UnavailableHook> Unavailable, string? BranchNote, string Structure)
{
    public static AttentionGraph Prepare(string modelPath, IReadOnlyList<string> patterns, string? hookMapPath)
    {
        if (!File.Exists(modelPath)) throw new BadInputException($"The model '{modelPath}' does not exist; pass the path of an .onnx file.");
        var sha = DatasetDirectory.Sha256Of(modelPath);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"attention-graph/3\n{sha}\n{System.IO.Path.GetFullPath(modelPath)}\n{(hookMapPath is null ? "" : DatasetDirectory.Sha256Of(hookMapPath))}\n{string.Join("\n", patterns)}")))[..24];
        var folder = AnalysisCache.Folder(AnalysisCache.HookedFolder, "attention-" + key);
        var path = System.IO.Path.Combine(folder, "model.onnx");
        var description = System.IO.Path.Combine(folder, "attention.json");
        if (File.Exists(path) && File.Exists(description))
        {
            try
            {
                if (JsonSerializer.Deserialize<AttentionGraph>(File.ReadAllText(description)) is { } known) return known with { Path = path };
            }
            catch (JsonException) { } // a damaged cache entry is rebuilt
        }

        OnnxModel model;
        try { model = OnnxModel.Load(modelPath); }
        catch (InvalidDataException e) { throw new BadInputException(e.Message, e); }
        var branch = model.SelectNoCacheBranch();
        var map = HookDiscovery.Discover(model, hookMapPath is null ? null : HookMapFile.Load(hookMapPath));
        bool Chosen(string name) => patterns.Any(p => HookPattern.Matches(p, name));
        var unavailable = map.Unavailable.Where(u => u.Name.EndsWith(".attn.hook_pattern", StringComparison.Ordinal) && Chosen(u.Name)).ToList();
        var hooks = map.Hooks.Where(h => Chosen(h.Name)).ToList();
        if (hooks.Count == 0)
            throw new BadInputException(unavailable.Count > 0
                ? $"No attention pattern of '{model.Name}' can be read: {unavailable[0].Name} is unavailable because {unavailable[0].Reason.TrimEnd('.')}."
                : $"No hook of '{model.Name}' matches {string.Join(", ", patterns)}; the attention statistics read hooks such as 'blocks.*.attn.hook_pattern' (run 'analysis inspect MODEL' to list them).");

        var types = model.InferTypes();
        foreach (var h in hooks)
            if (types.Find(h.Tensor)?.Shape is not { Count: 4 } shape)
                throw new BadInputException($"Hook '{h.Name}' is {types.Find(h.Tensor)?.ShapeText ?? "of unknown shape"}, not an attention pattern [batch, heads, queries, keys]; the attention statistics read 'blocks.*.attn.hook_pattern'.");

        var head = AttentionStatisticsHead.Build(model.Opset);
        var layers = new List<AttentionGraphLayer>();
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var l = 0; l < hooks.Count; l++)
        {
            var connections = new Dictionary<string, string>(shared) { [AttentionStatisticsHead.Pattern] = hooks[l].Tensor };
            var outputs = model.Append(head, connections, $"attention/{l}/");
            foreach (var input in new[] { AttentionStatisticsHead.SelfIndex, AttentionStatisticsHead.PreviousIndex, AttentionStatisticsHead.Weights }) shared[input] = input;
            var heads = types.Find(hooks[l].Tensor)!.Shape![1].Value;
            layers.Add(new AttentionGraphLayer(hooks[l].Name, LayerOf(hooks[l].Name, l), heads, outputs[AttentionStatisticsHead.Sums]));
        }
        model.KeepOutputs(layers.Select(l => l.Sums).ToList());
        model.Save(path);
        var graph = new AttentionGraph(path, layers, unavailable, branch?.Describe(), map.Structure);
        AtomicFile.WriteAllText(description, JsonSerializer.Serialize(graph));
        return graph;
    }

    // "blocks.3.attn.hook_pattern" → 3; a raw tensor or other name keeps its position among the chosen hooks.
    private static int LayerOf(string hook, int position)
    {
        var parts = hook.Split('.');
        return parts.Length > 2 && parts[0] == "blocks" && int.TryParse(parts[1], out var l) ? l : position;
    }
}

/// <summary>One attention layer of the graph: its hook, block index, head count (when known), and its statistics output.</summary>
internal sealed record AttentionGraphLayer(string Hook, int Layer, long? Heads, string Sums);

using Analysis.Extraction;
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
        var cache = DerivedGraphCache.For("attention", 4, modelPath, hookMapPath, patterns);
        if (cache.TryLoad<AttentionGraph>() is { } known) return known with { Path = cache.GraphPath };

        var (model, branch, map) = DerivedGraphCache.Open(modelPath, hookMapPath);
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
            // The model's own readers of the pattern wait for the statistics, so each layer's are computed while its
            // pattern is alive anyway; otherwise ONNX Runtime defers them all to the end and holds every layer's pattern.
            model.ReadAfter(hooks[l].Tensor, outputs[AttentionStatisticsHead.Sums], $"attention/{l}/after/", $"attention/{l}/");
            foreach (var input in new[] { AttentionStatisticsHead.SelfIndex, AttentionStatisticsHead.PreviousIndex, AttentionStatisticsHead.Weights }) shared[input] = input;
            var heads = types.Find(hooks[l].Tensor)!.Shape![1].Value;
            layers.Add(new AttentionGraphLayer(hooks[l].Name, LayerOf(hooks[l].Name, l), heads, outputs[AttentionStatisticsHead.Sums]));
        }
        model.KeepOutputs(layers.Select(l => l.Sums).ToList());
        model.Save(cache.GraphPath);
        var graph = new AttentionGraph(cache.GraphPath, layers, unavailable, branch?.Describe(), map.Structure);
        cache.SaveDescription(graph);
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

namespace Analysis.Interventions;

/// <summary>
/// One thing to ablate: a whole hook, chosen channels of it (an MLP neuron, an attention head's channels of
/// <c>blocks.L.attn.hook_z</c>), or chosen features of the SAE spliced in at it.
/// </summary>
/// <param name="Label">How results name it ("L2H5", "blocks.1.mlp.hook_post:17", "feature 12").</param>
/// <param name="Hook">The hook it lives in.</param>
/// <param name="Channels">The channels ablated (null: the whole hook); unused for SAE features.</param>
/// <param name="Features">The SAE features ablated (null: not an SAE unit).</param>
/// <param name="Layer">The block of an attention head (heads only).</param>
/// <param name="Head">The head (heads only).</param>
public sealed record AblationUnit(string Label, string Hook, int[]? Channels = null, int[]? Features = null, int? Layer = null, int? Head = null)
{
    /// <summary>Whether this unit edits SAE features.</summary>
    public bool IsFeature => Features is not null;

    /// <summary>
    /// The heads named by <paramref name="spec"/>: "all", layers ("2" or "2,3": every head of those blocks), or heads
    /// ("2.5,3.1"), among <paramref name="headsPerLayer"/> (block → head count).
    /// </summary>
    public static IReadOnlyList<AblationUnit> Heads(string spec, IReadOnlyDictionary<int, int> headsPerLayer)
    {
        var units = new List<AblationUnit>();
        void Add(int layer, int head) => units.Add(new($"L{layer}H{head}", Onnx.HeadOutputs.HookName(layer), Layer: layer, Head: head));
        if (spec.Trim() == "all")
        {
            foreach (var (layer, heads) in headsPerLayer.OrderBy(p => p.Key))
                for (var h = 0; h < heads; h++) Add(layer, h);
            return units;
        }
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split('.');
            if (pieces.Length is < 1 or > 2 || !pieces.All(p => int.TryParse(p, out _)))
                throw new BadInputException($"--heads '{part}' is not a head; write all, a layer (2), or layer.head (2.5), comma-separated.");
            var layer = int.Parse(pieces[0]);
            if (!headsPerLayer.TryGetValue(layer, out var count))
                throw new BadInputException($"Layer {layer} has no attention heads this model exposes; it has layers {string.Join(", ", headsPerLayer.Keys.Order())}.");
            if (pieces.Length == 1) { for (var h = 0; h < count; h++) Add(layer, h); continue; }
            var head = int.Parse(pieces[1]);
            if (head < 0 || head >= count) throw new BadInputException($"Head {head} is out of range: layer {layer} has {count} heads (0 to {count - 1}).");
            Add(layer, head);
        }
        if (units.Count == 0) throw new BadInputException("--heads names no head; write all, a layer (2), or layer.head (2.5).");
        return units;
    }

    /// <summary>Channels "HOOK:N[,M…]" (e.g. MLP neurons), one unit per channel.</summary>
    public static IReadOnlyList<AblationUnit> Neurons(string spec)
    {
        var colon = spec.LastIndexOf(':');
        if (colon <= 0) throw new BadInputException($"--neurons '{spec}' needs HOOK:N[,M…], e.g. blocks.1.mlp.hook_post:17,40.");
        var hook = spec[..colon];
        return [.. Numbers(spec[(colon + 1)..], "--neurons").Select(n => new AblationUnit($"{hook}:{n}", hook, Channels: [n]))];
    }

    /// <summary>SAE features "N[,M…]" of the SAE at <paramref name="hook"/>, one unit per feature.</summary>
    public static IReadOnlyList<AblationUnit> SaeFeatures(string hook, string spec) =>
        [.. Numbers(spec, "--feature").Select(f => new AblationUnit($"feature {f}", hook, Features: [f]))];

    private static int[] Numbers(string spec, string option)
    {
        var parts = spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !parts.All(p => int.TryParse(p, out var n) && n >= 0))
            throw new BadInputException($"{option} '{spec}' is not a list of non-negative integers; write e.g. 17 or 17,40.");
        return [.. parts.Select(int.Parse)];
    }
}

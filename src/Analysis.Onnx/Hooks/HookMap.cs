namespace Analysis.Onnx;

/// <summary>The hook points of one model (discovered, possibly overridden by a hook map file), and those it lacks.</summary>
public sealed class HookMap
{
    private readonly IReadOnlySet<string> _tensors;

    internal HookMap(IReadOnlyList<HookPoint> hooks, IReadOnlyList<UnavailableHook> unavailable, string structure, IReadOnlySet<string> tensors)
    {
        Hooks = hooks;
        Unavailable = unavailable;
        Structure = structure;
        _tensors = tensors;
    }

    /// <summary>Available hooks in model order (embedding, blocks, final norm).</summary>
    public IReadOnlyList<HookPoint> Hooks { get; }

    /// <summary>Canonical hooks the model lacks, each with the reason.</summary>
    public IReadOnlyList<UnavailableHook> Unavailable { get; }

    /// <summary>What discovery recognized, e.g. "5 blocks, pre-norm, sequential residual, RMSNorm".</summary>
    public string Structure { get; }

    /// <summary>The tensor of a canonical hook, or null.</summary>
    public string? Find(string name) => Hooks.FirstOrDefault(h => h.Name == name)?.Tensor;

    /// <summary>
    /// Resolves glob patterns over canonical names (blocks.*.hook_resid_post, blocks.{0,3}.hook_attn_out) and raw tensor
    /// names to hook points, in model order, without duplicates. Throws <see cref="ArgumentException"/> naming a pattern
    /// that matches nothing, with the reason when the hook is unavailable in this model.
    /// </summary>
    public IReadOnlyList<HookPoint> Resolve(IEnumerable<string> patterns)
    {
        var chosen = new List<HookPoint>();
        foreach (var pattern in patterns)
        {
            var regex = HookPattern.ToRegex(pattern);
            var matches = Hooks.Where(h => regex.IsMatch(h.Name)).ToList();
            if (matches.Count > 0) { chosen.AddRange(matches); continue; }
            if (Unavailable.FirstOrDefault(u => regex.IsMatch(u.Name)) is { } missing)
                throw new HookPatternException($"Hook '{missing.Name}' is unavailable in this model: {missing.Reason.TrimEnd('.')}; pick another hook or map it to a tensor with --hook-map.");
            if (_tensors.Contains(pattern)) { chosen.Add(new HookPoint(pattern, pattern)); continue; }
            if (Unavailable.FirstOrDefault(u => u.Name == "*") is { } nothing)
                throw new HookPatternException($"'{pattern}' matches no hook point: none were found in this model because {nothing.Reason.TrimEnd('.')}.");
            throw new HookPatternException($"'{pattern}' matches no hook point and no tensor of this model; run 'analysis inspect MODEL' to list them.");
        }
        var order = Hooks.Select((h, i) => (h.Name, i)).ToDictionary(p => p.Name, p => p.i);
        return chosen.DistinctBy(h => h.Name).OrderBy(h => order.GetValueOrDefault(h.Name, int.MaxValue)).ToList();
    }
}

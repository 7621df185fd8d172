namespace Analysis.Interventions;

/// <summary>One edit compiled into the graph: a hook (canonical name, <c>blocks.L.attn.hook_z</c> for per-head outputs, or a raw tensor) and its kind.</summary>
/// <param name="Hook">The hook the edit applies to.</param>
/// <param name="Kind">Steering or replacement.</param>
public sealed record InterventionPoint(string Hook, EditKind Kind)
{
    /// <summary>The prefix of the edit's graph inputs: "steer.HOOK" or "replace.HOOK".</summary>
    public string Prefix => $"{(Kind == EditKind.Steer ? "steer" : "replace")}.{Hook}";
}

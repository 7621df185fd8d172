namespace Analysis.Interventions;

/// <summary>One edit compiled into the graph: a hook (canonical name, <c>blocks.L.attn.hook_z</c> for per-head outputs, or a raw tensor) and its kind.</summary>
/// <param name="Hook">The hook the edit applies to.</param>
/// <param name="Kind">Steering, replacement or SAE-feature editing.</param>
/// <param name="Sae">The SAE folder (<c>analysis sae train</c>'s output) a <see cref="EditKind.Feature"/> edit splices in; null otherwise.</param>
public sealed record InterventionPoint(string Hook, EditKind Kind, string? Sae = null)
{
    /// <summary>The prefix of the edit's graph inputs: "steer.HOOK", "replace.HOOK" or "sae.HOOK".</summary>
    public string Prefix => $"{Kind switch { EditKind.Steer => "steer", EditKind.Replace => "replace", _ => "sae" }}.{Hook}";
}

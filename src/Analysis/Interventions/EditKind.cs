namespace Analysis.Interventions;

/// <summary>What an intervention edit does to its hook.</summary>
public enum EditKind
{
    /// <summary>Adds a scaled vector at chosen positions (graph inputs "steer.HOOK.vector" and "steer.HOOK.positions").</summary>
    Steer,

    /// <summary>Replaces chosen elements with fed values: ablation, patching, clamping ("replace.HOOK.keep" and "replace.HOOK.values").</summary>
    Replace,

    /// <summary>Edits chosen SAE features through a spliced SAE with its error term kept ("sae.HOOK.scale" and "sae.HOOK.shift").</summary>
    Feature,
}

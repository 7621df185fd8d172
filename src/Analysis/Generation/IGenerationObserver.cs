namespace Analysis.Generation;

/// <summary>
/// Watches generation step by step: the generation model exposes <see cref="Hooks"/> as graph outputs (read after the
/// interventions), and at each step the observer gets their values at the position that chose the new token.
/// </summary>
public interface IGenerationObserver
{
    /// <summary>The hooks to read (canonical names, one hook each).</summary>
    IReadOnlyList<string> Hooks { get; }

    /// <summary>
    /// One step of the output row (the intervened one when there are interventions): <paramref name="token"/> was chosen
    /// (a stop token too) from the position at which <paramref name="lastPosition"/>[h] is hook h's activation.
    /// </summary>
    void Observe(int step, int token, IReadOnlyList<float[]> lastPosition);
}

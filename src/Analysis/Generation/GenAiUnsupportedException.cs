namespace Analysis.Generation;

/// <summary>A request GenAI generation cannot serve but the recompute loop can (the dispatcher falls back, saying why).</summary>
/// <param name="reason">Why, as a clause.</param>
/// <param name="noCache">The model has no KV cache: the ordinary case for the recompute loop, which needs no note.</param>
public sealed class GenAiUnsupportedException(string reason, bool noCache = false) : Exception(reason)
{
    /// <summary>Whether the reason is that the model has no KV cache.</summary>
    public bool NoCache { get; } = noCache;
}

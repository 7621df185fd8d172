namespace Analysis.Generation;

/// <summary>A request GenAI generation cannot serve but the recompute loop can (the dispatcher falls back, saying why).</summary>
public sealed class GenAiUnsupportedException(string reason) : Exception(reason);

namespace Analysis.Extraction.Sources;

/// <summary>One example of an input dataset: its 0-based row number, its text, its pass-through labels, and an optional span of interest.</summary>
/// <param name="Id">0-based row number in the source; stable across runs, so it is the dataset's example_id.</param>
/// <param name="Text">The text to tokenize.</param>
/// <param name="Labels">One value per <see cref="SourceSchema.Labels"/> column (null where missing).</param>
/// <param name="Span">Character span [start, end) in <paramref name="Text"/> marking the tokens of interest, if any.</param>
public sealed record SourceExample(long Id, string Text, object?[] Labels, CharSpan? Span);

/// <summary>A character range [Start, End) into a text.</summary>
public readonly record struct CharSpan(int Start, int End)
{
    /// <summary>Whether the span overlaps the range [start, end).</summary>
    public bool Overlaps(int start, int end) => start < End && end > Start;
}

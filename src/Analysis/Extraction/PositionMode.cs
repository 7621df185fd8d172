namespace Analysis.Extraction;

/// <summary>Which token positions of each example become rows of the activation dataset.</summary>
public enum PositionMode
{
    /// <summary>Every token, special tokens (BOS, CLS) included; padding never.</summary>
    All,
    /// <summary>The first token that is not a special token.</summary>
    First,
    /// <summary>The last token that is not a special token.</summary>
    Last,
    /// <summary>Every token overlapping the example's character span (--span-field).</summary>
    Span,
    /// <summary>One row per example: the mean over the tokens overlapping its span.</summary>
    MeanSpan,
}

/// <summary>Parsing and naming of <see cref="PositionMode"/> as the command line writes it.</summary>
public static class PositionModes
{
    /// <summary>Parses all | first | last | span | mean-span.</summary>
    public static PositionMode Parse(string text) => text.ToLowerInvariant() switch
    {
        "all" => PositionMode.All,
        "first" => PositionMode.First,
        "last" => PositionMode.Last,
        "span" => PositionMode.Span,
        "mean-span" => PositionMode.MeanSpan,
        _ => throw new BadInputException($"--positions '{text}' is not one of all, first, last, span, mean-span."),
    };

    /// <summary>The command-line spelling.</summary>
    public static string Name(this PositionMode mode) => mode switch
    {
        PositionMode.MeanSpan => "mean-span",
        _ => mode.ToString().ToLowerInvariant(),
    };

    /// <summary>Whether the mode needs a character span per example.</summary>
    public static bool NeedsSpan(this PositionMode mode) => mode is PositionMode.Span or PositionMode.MeanSpan;
}

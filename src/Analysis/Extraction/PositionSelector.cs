using Analysis.Extraction.Sources;
using Analysis.Tokenizers;

namespace Analysis.Extraction;

/// <summary>Picks the token positions of one tokenized example that become dataset rows.</summary>
public static class PositionSelector
{
    /// <summary>
    /// The selected token indices of <paramref name="tokens"/> (already truncated to the model's input). For
    /// <see cref="PositionMode.MeanSpan"/> the indices are the span's tokens, to be averaged into one row.
    /// Empty when nothing qualifies (e.g. the span was truncated away).
    /// </summary>
    public static int[] Select(PositionMode mode, EncodedText tokens, CharSpan? span)
    {
        switch (mode)
        {
            case PositionMode.All:
                return Enumerable.Range(0, tokens.Count).ToArray();
            case PositionMode.First:
                for (int i = 0; i < tokens.Count; i++) if (!tokens.SpecialTokensMask[i]) return [i];
                return tokens.Count > 0 ? [0] : [];
            case PositionMode.Last:
                for (int i = tokens.Count - 1; i >= 0; i--) if (!tokens.SpecialTokensMask[i]) return [i];
                return tokens.Count > 0 ? [tokens.Count - 1] : [];
            case PositionMode.Span:
            case PositionMode.MeanSpan:
                var s = span ?? throw new InvalidOperationException("Span positions need a span per example.");
                var picked = new List<int>();
                for (int i = 0; i < tokens.Count; i++)
                {
                    var o = tokens.Offsets[i];
                    if (!tokens.SpecialTokensMask[i] && s.Overlaps(o.Start, Math.Max(o.End, o.Start + 1))) picked.Add(i);
                }
                return [.. picked];
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }
}

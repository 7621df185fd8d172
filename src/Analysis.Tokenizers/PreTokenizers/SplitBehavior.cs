using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>What a split does with the matched delimiters (the reference's <c>SplitDelimiterBehavior</c>).</summary>
internal enum SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

internal static class Splitting
{
    /// <summary>
    /// Splits <paramref name="piece"/> given its matches (sorted, non-overlapping, non-empty) and appends non-empty pieces.
    /// </summary>
    public static void Apply(Piece piece, List<(int Start, int End)> matches, SplitBehavior behavior, bool invert, List<Piece> output)
    {
        // Segments covering the whole piece, each flagged as delimiter (match) or not. Scratch lists are per thread.
        var segments = t_segments ??= [];
        var merged = t_merged ??= [];
        segments.Clear();
        merged.Clear();
        var at = 0;
        foreach (var (s, e) in matches)
        {
            if (s > at) segments.Add((at, s, invert));
            segments.Add((s, e, !invert));
            at = e;
        }
        if (at < piece.Length) segments.Add((at, piece.Length, invert));

        var previousMatch = false;
        switch (behavior)
        {
            case SplitBehavior.Removed:
                foreach (var (s, e, m) in segments) if (!m) merged.Add((s, e));
                break;
            case SplitBehavior.Isolated:
                foreach (var (s, e, _) in segments) merged.Add((s, e));
                break;
            case SplitBehavior.MergedWithPrevious:
                foreach (var (s, e, m) in segments)
                {
                    if (m && !previousMatch && merged.Count > 0) merged[^1] = (merged[^1].Start, e);
                    else merged.Add((s, e));
                    previousMatch = m;
                }
                break;
            case SplitBehavior.MergedWithNext:
                for (var i = segments.Count - 1; i >= 0; i--)
                {
                    var (s, e, m) = segments[i];
                    if (m && !previousMatch && merged.Count > 0) merged[^1] = (s, merged[^1].End);
                    else merged.Add((s, e));
                    previousMatch = m;
                }
                merged.Reverse();
                break;
            case SplitBehavior.Contiguous:
                for (var i = 0; i < segments.Count; i++)
                {
                    var (s, e, m) = segments[i];
                    if (i > 0 && m == previousMatch) merged[^1] = (merged[^1].Start, e);
                    else merged.Add((s, e));
                    previousMatch = m;
                }
                break;
        }
        foreach (var (s, e) in merged) if (e > s) output.Add(piece.Slice(s, e - s));
    }

    /// <summary>Runs <paramref name="split"/> over every piece, replacing the list's contents.</summary>
    public static void Each(List<Piece> pieces, Action<Piece, List<Piece>> split)
    {
        if (pieces.Count == 0) return;
        var input = t_input ??= [];
        input.Clear();
        input.AddRange(pieces);
        pieces.Clear();
        foreach (var p in input) split(p, pieces);
        input.Clear();
    }

    [ThreadStatic] private static List<(int Start, int End, bool IsMatch)>? t_segments;
    [ThreadStatic] private static List<(int Start, int End)>? t_merged;
    [ThreadStatic] private static List<Piece>? t_input;
}

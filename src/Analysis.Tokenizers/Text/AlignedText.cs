namespace Analysis.Tokenizers.Text;

/// <summary>
/// Text derived from the caller's string (normalized, byte-mapped, ...) where every UTF-16 unit remembers the
/// original span <c>[Starts[i], Ends[i])</c> it came from, so token offsets can point into the original.
/// </summary>
internal sealed class AlignedText(string text, int[] starts, int[] ends)
{
    public string Text { get; } = text;
    public int[] Starts { get; } = starts;
    public int[] Ends { get; } = ends;
    public int Length => Text.Length;

    /// <summary>Identity alignment of <paramref name="text"/>[start..end) (each unit maps to itself).</summary>
    public static AlignedText Identity(string text, int start, int end)
    {
        var length = end - start;
        var starts = new int[length];
        var ends = new int[length];
        for (var i = 0; i < length; i++) { starts[i] = start + i; ends[i] = start + i + 1; }
        // A surrogate pair is one character: both halves span the whole pair.
        for (var i = 0; i + 1 < length; i++)
            if (char.IsHighSurrogate(text[start + i]) && char.IsLowSurrogate(text[start + i + 1])) { ends[i]++; starts[i + 1]--; i++; }
        return new AlignedText(text.Substring(start, length), starts, ends);
    }

    /// <summary>Original span of units [start, end) of this text; empty ranges map to the position before them.</summary>
    public TokenOffset Original(int start, int end)
    {
        if (Length == 0) return default;
        if (end <= start)
        {
            var at = start < Length ? Starts[start] : Ends[Length - 1];
            return new TokenOffset(at, at);
        }
        var s = int.MaxValue;
        var e = int.MinValue;
        for (var i = start; i < end; i++) { s = Math.Min(s, Starts[i]); e = Math.Max(e, Ends[i]); }
        return new TokenOffset(s, e);
    }

    public Piece All => new(this, 0, Length);
}

namespace Analysis.Tokenizers.Text;

/// <summary>A slice <c>[Start, Start+Length)</c> of an <see cref="AlignedText"/>; splitting makes slices, not copies.</summary>
internal readonly record struct Piece(AlignedText Source, int Start, int Length)
{
    public ReadOnlySpan<char> Chars => Source.Text.AsSpan(Start, Length);
    public Piece Slice(int start, int length) => new(Source, Start + start, length);

    /// <summary>Copies the slice into its own text (for transforms that rebuild it).</summary>
    public AlignedText Detach() => new(Source.Text.Substring(Start, Length), Source.Starts.AsSpan(Start, Length).ToArray(), Source.Ends.AsSpan(Start, Length).ToArray());
}

namespace Analysis.Tokenizers.Text;

/// <summary>Builds an <see cref="AlignedText"/> unit by unit; each appended unit carries its original span.</summary>
internal sealed class AlignedBuilder(int capacity)
{
    private char[] _chars = new char[Math.Max(4, capacity)];
    private int[] _starts = new int[Math.Max(4, capacity)];
    private int[] _ends = new int[Math.Max(4, capacity)];

    public int Length { get; private set; }

    public void Append(char c, int start, int end)
    {
        if (Length == _chars.Length)
        {
            Array.Resize(ref _chars, Length * 2);
            Array.Resize(ref _starts, Length * 2);
            Array.Resize(ref _ends, Length * 2);
        }
        _chars[Length] = c;
        _starts[Length] = start;
        _ends[Length] = end;
        Length++;
    }

    public void Append(ReadOnlySpan<char> text, int start, int end)
    {
        foreach (var c in text) Append(c, start, end);
    }

    /// <summary>Appends units [from, to) of a piece with their own alignment.</summary>
    public void Append(Piece piece, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var k = piece.Start + i;
            Append(piece.Source.Text[k], piece.Source.Starts[k], piece.Source.Ends[k]);
        }
    }

    public AlignedText Build() => new(new string(_chars, 0, Length), _starts[..Length], _ends[..Length]);
}

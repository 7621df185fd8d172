using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>Splits on single characters that satisfy a predicate (each matching character is its own delimiter).</summary>
internal sealed class CharSplit(Func<char, bool> isDelimiter, SplitBehavior behavior) : PreTokenizer
{
    public override void Apply(List<Piece> pieces)
    {
        var matches = new List<(int, int)>();
        Splitting.Each(pieces, (piece, output) =>
        {
            matches.Clear();
            var text = piece.Chars;
            for (var i = 0; i < text.Length; i++) if (isDelimiter(text[i])) matches.Add((i, i + 1));
            Splitting.Apply(piece, matches, behavior, false, output);
        });
    }
}

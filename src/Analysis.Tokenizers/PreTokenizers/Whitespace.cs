using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>Keeps runs of word characters and runs of other non-space characters (<c>\w+|[^\w\s]+</c>).</summary>
internal sealed class Whitespace : PreTokenizer
{
    // Rust regex's Unicode \w: Alphabetic, marks, decimal digits, connector punctuation and Join_Control (ZWNJ, ZWJ).
    private const string Word = @"\p{L}\p{Nl}\p{M}\p{Nd}\p{Pc}\u200C\u200D";
    private static readonly PatternRegex Words = new($@"[{Word}]+|[^{Word}\s]+");

    public override void Apply(List<Piece> pieces)
    {
        var matches = new List<(int, int)>();
        Splitting.Each(pieces, (piece, output) =>
        {
            matches.Clear();
            Words.Matches(piece.Chars, matches);
            Splitting.Apply(piece, matches, SplitBehavior.Removed, true, output);
        });
    }
}

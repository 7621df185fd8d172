using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Normalizers;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>Splits on a string or regex with any delimiter behavior, optionally inverted (keep matches, split on the rest).</summary>
internal sealed class Split : PreTokenizer
{
    private readonly PatternRegex _pattern;
    private readonly SplitBehavior _behavior;
    private readonly bool _invert;

    public Split(ConfigNode node)
    {
        var pattern = node.Required("pattern");
        var (text, isRegex) = pattern.Pattern();
        _pattern = Replace.Compile(pattern, text, isRegex);
        _behavior = Behavior(node, SplitBehavior.Removed);
        if (node.Optional("behavior") is null) throw node.Error("the required field 'behavior' is missing");
        _invert = node.OptionalBool("invert", false);
    }

    public override void Apply(List<Piece> pieces)
    {
        var matches = new List<(int, int)>();
        Splitting.Each(pieces, (piece, output) =>
        {
            matches.Clear();
            _pattern.Matches(piece.Chars, matches);
            Splitting.Apply(piece, matches, _behavior, _invert, output);
        });
    }
}

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

/// <summary>BERT: split on whitespace (removed), then isolate each punctuation character.</summary>
internal sealed class BertPreTokenizer : PreTokenizer
{
    private readonly CharSplit _whitespace = new(char.IsWhiteSpace, SplitBehavior.Removed);
    private readonly CharSplit _punctuation = new(IsPunctuation, SplitBehavior.Isolated);

    public override void Apply(List<Piece> pieces)
    {
        _whitespace.Apply(pieces);
        _punctuation.Apply(pieces);
    }
}

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

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

    public PatternRegex Pattern => _pattern;
    public SplitBehavior SplitBehavior => _behavior;
    public bool Invert => _invert;

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

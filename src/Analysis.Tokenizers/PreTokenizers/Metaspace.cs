using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>SentencePiece's Metaspace: spaces become the replacement (▁), a prefix ▁ per prepend_scheme, then split before each ▁.</summary>
internal sealed class Metaspace : PreTokenizer
{
    private readonly char _replacement;
    private readonly string _prepend; // "always", "first" or "never"
    private readonly bool _split;

    public Metaspace(ConfigNode node)
    {
        var replacement = node.Required("replacement").String();
        if (replacement.Length != 1) throw node.Required("replacement").Error("replacement must be exactly one character");
        _replacement = replacement[0];
        _prepend = node.OptionalString("prepend_scheme") ?? (node.OptionalBool("add_prefix_space", true) ? "always" : "never");
        if (_prepend is not ("always" or "first" or "never")) throw node.Required("prepend_scheme").Error($"unknown prepend_scheme '{_prepend}'; use always, first or never");
        _split = node.OptionalBool("split", true);
    }

    public override void Apply(List<Piece> pieces)
    {
        var matches = new List<(int, int)>();
        Splitting.Each(pieces, (piece, output) =>
        {
            if (piece.Length == 0) return;
            var builder = new AlignedBuilder(piece.Length + 1);
            var prepend = piece.Chars[0] != _replacement && piece.Chars[0] != ' '
                && (_prepend == "always" || (_prepend == "first" && piece.Source.Starts[piece.Start] == 0));
            if (prepend) builder.Append(_replacement, piece.Source.Starts[piece.Start], piece.Source.Ends[piece.Start]);
            for (var i = 0; i < piece.Length; i++)
            {
                var k = piece.Start + i;
                builder.Append(piece.Source.Text[k] == ' ' ? _replacement : piece.Source.Text[k], piece.Source.Starts[k], piece.Source.Ends[k]);
            }
            var replaced = builder.Build().All;
            if (!_split) { output.Add(replaced); return; }
            matches.Clear();
            var text = replaced.Chars;
            for (var i = 0; i < text.Length; i++) if (text[i] == _replacement) matches.Add((i, i + 1));
            Splitting.Apply(replaced, matches, SplitBehavior.MergedWithNext, false, output);
        });
    }
}

using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>Replaces every match of a string or regex with fixed content, aligned to the match's last character as in the reference.</summary>
internal sealed class Replace : Normalizer
{
    private readonly PatternRegex _pattern;
    private readonly string _content;

    public Replace(ConfigNode node)
    {
        var (text, isRegex) = node.Required("pattern").Pattern();
        _pattern = Compile(node.Required("pattern"), text, isRegex);
        _content = node.Required("content").String();
    }

    internal static PatternRegex Compile(ConfigNode node, string text, bool isRegex)
    {
        try { return isRegex ? new PatternRegex(text) : PatternRegex.Literal(text); }
        catch (ArgumentException e) { throw node.Error($"the regex '{text}' does not compile for .NET ({e.Message}); rewrite it without Oniguruma-only syntax such as possessive quantifiers", e); }
    }

    public override AlignedText Normalize(Piece input)
    {
        var matches = new List<(int Start, int End)>();
        _pattern.Matches(input.Chars, matches);
        if (matches.Count == 0) return input.Detach();
        var builder = new AlignedBuilder(input.Length + 8);
        var at = 0;
        foreach (var (start, end) in matches)
        {
            builder.Append(input, at, start);
            // The reference aligns replacement text with the last matched character (it is "inserted" after the removed ones).
            var k = input.Start + end - 1;
            builder.Append(_content, input.Source.Starts[k], input.Source.Ends[k]);
            at = end;
        }
        builder.Append(input, at, input.Length);
        return builder.Build();
    }
}

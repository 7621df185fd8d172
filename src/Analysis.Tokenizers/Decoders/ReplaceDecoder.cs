using System.Text;
using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Decoders;

internal sealed class ReplaceDecoder : Decoder
{
    private readonly PatternRegex _pattern;
    private readonly string _content;

    public ReplaceDecoder(ConfigNode node)
    {
        var (text, isRegex) = node.Required("pattern").Pattern();
        _pattern = Normalizers.Replace.Compile(node.Required("pattern"), text, isRegex);
        _content = node.Required("content").String();
    }

    public override List<string> Decode(List<string> tokens)
    {
        var matches = new List<(int Start, int End)>();
        return tokens.Select(t =>
        {
            matches.Clear();
            _pattern.Matches(t, matches);
            if (matches.Count == 0) return t;
            var sb = new StringBuilder(t.Length);
            var at = 0;
            foreach (var (s, e) in matches) { sb.Append(t, at, s - at).Append(_content); at = e; }
            return sb.Append(t, at, t.Length - at).ToString();
        }).ToList();
    }
}

using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool SingleWord, bool LeftStrip, bool RightStrip, bool Normalized);

/// <summary>
/// Added tokens are matched before the model, leftmost-longest, as the reference does: tokens with
/// <c>normalized: false</c> on the raw text, the others on each normalized segment.
/// </summary>
internal sealed class AddedVocabulary
{
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);
    private readonly Dictionary<int, AddedToken> _byId = [];
    private readonly Dictionary<char, AddedToken[]> _raw, _normalized;

    public AddedVocabulary(ConfigNode? node)
    {
        var raw = new List<AddedToken>();
        var normalized = new List<AddedToken>();
        if (node is { } list)
            foreach (var item in list.As("added_tokens").Items())
            {
                var content = item.Required("content").String();
                var special = item.OptionalBool("special", false);
                var token = new AddedToken(item.Required("id").Int(), content, special, item.OptionalBool("single_word", false),
                    item.OptionalBool("lstrip", false), item.OptionalBool("rstrip", false), item.OptionalBool("normalized", !special));
                if (content.Length == 0) throw item.Error("an added token's content must not be empty");
                _byContent[content] = token;
                _byId[token.Id] = token;
                (token.Normalized ? normalized : raw).Add(token);
            }
        _raw = Index(raw);
        _normalized = Index(normalized);
    }

    private static Dictionary<char, AddedToken[]> Index(List<AddedToken> tokens) =>
        tokens.GroupBy(t => t.Content[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());

    public int Count => _byId.Count;
    public int MaxId => _byId.Count == 0 ? -1 : _byId.Keys.Max();
    public AddedToken? ById(int id) => _byId.GetValueOrDefault(id);
    public AddedToken? ByContent(string content) => _byContent.GetValueOrDefault(content);

    /// <summary>Splits a piece into added-token matches (Id ≥ 0) and the text between them (Id = −1).</summary>
    public void Split(Piece piece, bool normalizedPass, List<(Piece Piece, int Id)> output)
    {
        var index = normalizedPass ? _normalized : _raw;
        var text = piece.Chars;
        if (index.Count == 0 || text.IsEmpty) { output.Add((piece, -1)); return; }
        var at = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!index.TryGetValue(text[i], out var candidates)) continue;
            foreach (var t in candidates)
            {
                if (!text[i..].StartsWith(t.Content, StringComparison.Ordinal)) continue;
                var start = i;
                var end = i + t.Content.Length;
                if (t.SingleWord && ((start > 0 && IsWordChar(text[start - 1])) || (end < text.Length && IsWordChar(text[end])))) continue;
                if (t.LeftStrip) while (start > at && char.IsWhiteSpace(text[start - 1])) start--;
                if (t.RightStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
                if (start > at) output.Add((piece.Slice(at, start - at), -1));
                output.Add((piece.Slice(start, end - start), t.Id));
                at = end;
                i = end - 1;
                break;
            }
        }
        if (at < text.Length) output.Add((piece.Slice(at, text.Length - at), -1));
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}

using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers;

/// <summary>
/// Added tokens are matched before the model, leftmost-longest, as the reference does: tokens with
/// <c>normalized: false</c> on the raw text, the others on each normalized segment.
/// </summary>
internal sealed class AddedVocabulary
{
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);
    private readonly Dictionary<int, AddedToken> _byId = [];
    private readonly Dictionary<char, AddedToken[]> _raw, _normalized;

    /// <param name="node">tokenizer.json's added_tokens.</param>
    /// <param name="modelId">The model's id for a string, if any.</param>
    /// <param name="modelSize">The model's vocabulary size.</param>
    public AddedVocabulary(ConfigNode? node, Func<string, int?> modelId, int modelSize)
    {
        var raw = new List<AddedToken>();
        var normalized = new List<AddedToken>();
        if (node is { } list)
            foreach (var item in list.As("added_tokens").Items())
            {
                var content = item.Required("content").String();
                var special = item.OptionalBool("special", false);
                item.Required("id").Int(); // validated, but like the reference the id comes from the vocabulary:
                var id = _byContent.TryGetValue(content, out var existing) ? existing.Id : modelId(content) ?? NextId(modelSize);
                var token = new AddedToken(id, content, special, item.OptionalBool("single_word", false),
                    item.OptionalBool("lstrip", false), item.OptionalBool("rstrip", false), item.OptionalBool("normalized", !special));
                if (content.Length == 0) throw item.Error("an added token's content must not be empty");
                _byContent[content] = token;
                _byId[token.Id] = token;
                (token.Normalized ? normalized : raw).Add(token);
            }
        _raw = Index(raw);
        _normalized = Index(normalized);
    }

    // A content the model does not know gets the next id after the model's vocabulary and earlier added tokens.
    private int NextId(int modelSize)
    {
        if (_byId.Count == 0) return modelSize;
        var max = _byId.Keys.Max();
        return max >= modelSize || modelSize == 0 ? max + 1 : modelSize;
    }

    private static Dictionary<char, AddedToken[]> Index(List<AddedToken> tokens) =>
        tokens.GroupBy(t => t.Content[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());

    public int Count => _byId.Count;
    public int MaxId => _byId.Count == 0 ? -1 : _byId.Keys.Max();
    public AddedToken? ById(int id) => _byId.GetValueOrDefault(id);
    public AddedToken? ByContent(string content) => _byContent.GetValueOrDefault(content);

    /// <summary>
    /// Splits a piece into added-token matches (Id ≥ 0) and the text between them (Id = −1). Like the reference:
    /// leftmost-longest non-overlapping matches first; then single_word drops a match, lstrip widens it left (not
    /// past the previous match), rstrip widens it right (a widened match may overlap the next one).
    /// </summary>
    public void Split(Piece piece, bool normalizedPass, List<(Piece Piece, int Id)> output)
    {
        var spans = t_spans ??= [];
        spans.Clear();
        Split(piece.Chars, normalizedPass, spans);
        foreach (var (start, length, id) in spans) output.Add((piece.Slice(start, length), id));
    }

    /// <summary>Whether <see cref="Split(ReadOnlySpan{char}, bool, List{ValueTuple{int, int, int}})"/> can ever find a token in that pass.</summary>
    public bool Matches(bool normalizedPass) => (normalizedPass ? _normalized : _raw).Count > 0;

    /// <summary>The same split over plain text: (start, length, id) with id −1 for the text between added tokens.</summary>
    public void Split(ReadOnlySpan<char> text, bool normalizedPass, List<(int Start, int Length, int Id)> output)
    {
        var index = normalizedPass ? _normalized : _raw;
        if (index.Count == 0 || text.IsEmpty) { output.Add((0, text.Length, -1)); return; }
        var at = 0;
        for (var i = 0; i < text.Length;)
        {
            AddedToken? found = null;
            if (index.TryGetValue(text[i], out var candidates))
                foreach (var t in candidates)
                    if (text[i..].StartsWith(t.Content, StringComparison.Ordinal)) { found = t; break; }
            if (found is null) { i++; continue; }
            var start = i;
            var end = i + found.Content.Length;
            i = end;
            if (found.SingleWord && ((start > 0 && IsWordChar(text[start - 1])) || (end < text.Length && IsWordChar(text[end])))) continue;
            if (found.LeftStrip)
            {
                var s = start;
                while (s > 0 && char.IsWhiteSpace(text[s - 1])) s--;
                start = Math.Max(s, at);
            }
            if (found.RightStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            if (start > at) output.Add((at, start - at, -1));
            output.Add((start, end - start, found.Id));
            at = end;
        }
        if (at < text.Length) output.Add((at, text.Length - at, -1));
    }

    [ThreadStatic] private static List<(int Start, int Length, int Id)>? t_spans;

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_'
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark
            or System.Globalization.UnicodeCategory.ConnectorPunctuation;
}

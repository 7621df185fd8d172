using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.Models;

/// <summary>WordPiece: greedy longest-match-first; continuation pieces carry a prefix (##); a word with an unmatched part is one unk.</summary>
internal sealed class WordPiece : TokenModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string?[] _tokens;
    private readonly string _prefix;
    private readonly int _unk;
    private readonly int _maxChars;

    public WordPiece(ConfigNode node)
    {
        (_vocab, _tokens) = ReadVocab(node.Required("vocab"));
        _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefix = node.OptionalString("continuing_subword_prefix") ?? "##";
        var unk = node.OptionalString("unk_token") ?? "[UNK]";
        _unk = _vocab.TryGetValue(unk, out var id) ? id : throw node.Error($"unk_token '{unk}' is not in the vocabulary");
        _maxChars = node.OptionalInt("max_input_chars_per_word") ?? 100;
    }

    public override int VocabSize => _tokens.Length;
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;
    public override string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public override void Tokenize(ReadOnlySpan<char> word, List<ModelToken> output)
    {
        if (word.IsEmpty) return;
        var codePoints = 0;
        foreach (var _ in word.EnumerateRunes()) codePoints++;
        if (codePoints > _maxChars) { output.Add(new ModelToken(_unk, 0, word.Length)); return; }
        var first = output.Count;
        Span<char> key = stackalloc char[Math.Min(word.Length + _prefix.Length, 512)];
        if (key.Length < word.Length + _prefix.Length) key = new char[word.Length + _prefix.Length];
        for (var start = 0; start < word.Length;)
        {
            var found = -1;
            var end = word.Length;
            while (end > start)
            {
                var n = 0;
                if (start > 0) { _prefix.CopyTo(key); n = _prefix.Length; }
                word[start..end].CopyTo(key[n..]);
                if (_lookup.TryGetValue(key[..(n + end - start)], out found)) break;
                found = -1;
                end--;
                if (end > start && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1])) end--;
            }
            if (found < 0)
            {
                output.RemoveRange(first, output.Count - first);
                output.Add(new ModelToken(_unk, 0, word.Length));
                return;
            }
            output.Add(new ModelToken(found, start, end));
            start = end;
        }
    }
}

using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.Models;

/// <summary>WordLevel: each word is one vocabulary entry, or unk.</summary>
internal sealed class WordLevel : TokenModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string?[] _tokens;
    private readonly int? _unk;

    public WordLevel(ConfigNode node)
    {
        (_vocab, _tokens) = ReadVocab(node.Required("vocab"));
        _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        if (node.OptionalString("unk_token") is { } unk)
            _unk = _vocab.TryGetValue(unk, out var id) ? id : throw node.Error($"unk_token '{unk}' is not in the vocabulary");
    }

    public override int VocabSize => _tokens.Length;
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;
    public override string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public override void Tokenize(ReadOnlySpan<char> word, List<ModelToken> output)
    {
        if (_lookup.TryGetValue(word, out var id)) output.Add(new ModelToken(id, 0, word.Length));
        else if (_unk is { } unk) output.Add(new ModelToken(unk, 0, word.Length));
        else throw new TokenizerFormatException($"WordLevel model has no unk_token and '{word}' is not in its vocabulary; add an unk_token to tokenizer.json.");
    }
}

using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.Models;

/// <summary>A tokenizer.json model (BPE, WordPiece, Unigram, WordLevel): turns one pre-tokenized word into tokens.</summary>
internal abstract class TokenModel
{
    public abstract void Tokenize(ReadOnlySpan<char> word, List<ModelToken> output);
    public abstract int? TokenToId(string token);
    public abstract string? IdToToken(int id);
    public abstract int VocabSize { get; }

    public static TokenModel Create(ConfigNode node)
    {
        node = node.As("model");
        // GPT-2-era files omit the model type; the reference infers it from the fields present.
        var type = node.OptionalString("type") ?? (node.Optional("merges") is not null ? "BPE"
            : node.Optional("continuing_subword_prefix") is not null ? "WordPiece" : node.Optional("unk_id") is not null ? "Unigram" : "WordLevel");
        return type switch
        {
            "BPE" => new Bpe(node),
            "WordPiece" => new WordPiece(node),
            "Unigram" => new Unigram(node),
            "WordLevel" => new WordLevel(node),
            _ => throw node.Error($"unknown model type '{type}'; supported: BPE, WordPiece, Unigram, WordLevel"),
        };
    }

    /// <summary>Reads a <c>{"token": id}</c> vocabulary, checking ids are unique and non-negative.</summary>
    internal static (Dictionary<string, int> Ids, string[] Tokens) ReadVocab(ConfigNode vocab)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var max = -1;
        foreach (var (token, value) in vocab.Properties())
        {
            var id = value.Int();
            if (id < 0) throw value.Error($"token id {id} is negative");
            ids[token] = id;
            max = Math.Max(max, id);
        }
        // Ids may have gaps, but not so many that the id table would dwarf the vocabulary (a corrupt file).
        if (max >= 4L * ids.Count + 65_536) throw vocab.Error($"the largest id {max} is far beyond the {ids.Count} tokens; ids must be (nearly) dense");
        var tokens = new string[max + 1];
        foreach (var (token, id) in ids)
        {
            if (tokens[id] is not null) throw vocab.Error($"id {id} is used by both '{tokens[id]}' and '{token}'; each id must name one token");
            tokens[id] = token;
        }
        return (ids, tokens);
    }
}

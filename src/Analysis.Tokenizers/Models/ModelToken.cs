namespace Analysis.Tokenizers.Models;

/// <summary>A token of one pre-tokenized word: id and UTF-16 span within that word.</summary>
internal readonly record struct ModelToken(int Id, int Start, int End);

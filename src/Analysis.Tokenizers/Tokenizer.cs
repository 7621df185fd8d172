namespace Analysis.Tokenizers;

/// <summary>
/// A text tokenizer: Hugging Face <c>tokenizer.json</c> pipelines or llama2.c <c>tokenizer.bin</c> vocabularies,
/// with offsets into the caller's original string. Load one with <see cref="Load"/>. Instances are thread-safe.
/// </summary>
public abstract class Tokenizer
{
    /// <summary>Loads a <c>tokenizer.json</c> (plus a sibling <c>tokenizer_config.json</c>), a folder holding one, or a llama2.c <c>tokenizer.bin</c>.</summary>
    public static Tokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var json = Path.Combine(path, "tokenizer.json");
            if (File.Exists(json)) return HuggingFaceTokenizer.Load(json);
            var bin = Path.Combine(path, "tokenizer.bin");
            if (File.Exists(bin)) return Llama2cTokenizer.Load(bin);
            throw new FileNotFoundException($"Folder '{path}' holds neither tokenizer.json nor tokenizer.bin; point --tokenizer at the file itself or at a Hugging Face model folder.", json);
        }
        if (!File.Exists(path))
            throw new FileNotFoundException($"Tokenizer file '{path}' does not exist; pass a tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin.", path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || LooksLikeJson(path)
            ? HuggingFaceTokenizer.Load(path)
            : Llama2cTokenizer.Load(path);
    }

    /// <summary>Number of ids (model vocabulary plus added tokens).</summary>
    public abstract int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, when the tokenizer has one.</summary>
    public abstract int? BosId { get; }

    /// <summary>End-of-sequence id, when the tokenizer has one.</summary>
    public abstract int? EosId { get; }

    /// <summary>Padding id, when the tokenizer names one.</summary>
    public abstract int? PadId { get; }

    /// <summary>Whether <see cref="Encode(string, bool)"/> with special tokens starts with BOS (from tokenizer_config.json's add_bos_token or the post-processor).</summary>
    public abstract bool AddsBos { get; }

    /// <summary>Whether <see cref="Encode(string, bool)"/> with special tokens ends with EOS.</summary>
    public abstract bool AddsEos { get; }

    /// <summary>Encodes one text; offsets are UTF-16 <c>[start, end)</c> spans of <paramref name="text"/>.</summary>
    public EncodedText Encode(string text, bool addSpecialTokens = true) => Encode(text, addSpecialTokens, int.MaxValue, Side.Right);

    /// <summary>Encodes, keeping at most <paramref name="maxLength"/> tokens (special tokens included) by dropping content tokens from <paramref name="truncation"/>'s end.</summary>
    public abstract EncodedText Encode(string text, bool addSpecialTokens, int maxLength, Side truncation);

    /// <summary>Encodes many texts in parallel and pads them into one rectangular batch.</summary>
    public BatchEncoding EncodeBatch(IReadOnlyList<string> texts, BatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new BatchOptions();
        if (options.MaxLength is < 1) throw new ArgumentOutOfRangeException(nameof(options), $"MaxLength must be at least 1 (got {options.MaxLength}).");
        if (options.PadToMaxLength && options.MaxLength is null) throw new ArgumentException("PadToMaxLength needs MaxLength; set both or neither.", nameof(options));
        var max = options.MaxLength ?? int.MaxValue;
        var rows = new EncodedText[texts.Count];
        Parallel.For(0, texts.Count, i => rows[i] = Encode(texts[i] ?? throw new ArgumentException($"Text {i} of the batch is null.", nameof(texts)), options.AddSpecialTokens, max, options.Truncation));
        var length = options.PadToMaxLength ? max : rows.Length == 0 ? 0 : rows.Max(r => r.Count);
        return new BatchEncoding(rows, length, options.PadId ?? PadId ?? 0, options.Padding);
    }

    /// <summary>Turns ids back into text the way the reference decoder does.</summary>
    public abstract string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);

    /// <summary>The vocabulary string of an id, or null when the id is out of range.</summary>
    public abstract string? IdToToken(int id);

    /// <summary>The id of a vocabulary string (model vocabulary or added token), or null.</summary>
    public abstract int? TokenToId(string token);

    // A JSON object starts with '{' then '"' or '}' (after optional whitespace); a tokenizer.bin starts with a
    // little-endian int32 whose low byte may happen to be '{' but is then followed by zero bytes.
    private static bool LooksLikeJson(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[256];
        var n = stream.Read(head);
        var seenBrace = false;
        foreach (var b in head[..n])
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' || (!seenBrace && b is 0xEF or 0xBB or 0xBF)) continue;
            if (!seenBrace) { if (b != (byte)'{') return false; seenBrace = true; continue; }
            return b is (byte)'"' or (byte)'}';
        }
        return false;
    }
}

using System.Collections.Concurrent;
using System.Text;
using Analysis.Tokenizers.Models;
using Analysis.Tokenizers.PostProcessors;
using Analysis.Tokenizers.PreTokenizers;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers;

/// <summary>
/// The byte-level BPE pipeline (GPT-2, Llama 3, Qwen: no normalizer, a regex split, bytes mapped to characters) run
/// straight on the caller's text, with a cache keyed on each pre-token's original characters: a word seen before costs
/// one pre-token match and one lookup, and its tokens' offsets come back relative to the word, so no aligned copy of the
/// text (per-character offset arrays, the byte-mapped string) is built at all. A word not seen yet goes through the
/// general path's steps (UTF-8 bytes → byte characters → the model) once. Ids and offsets equal the general pipeline's.
/// </summary>
internal sealed class ByteLevelWords
{
    private const int CacheCapacity = 200_000;
    private const int MaxCachedLength = 128; // longer runs (a page of dashes) are rare and would only fill the cache
    private readonly Action<ReadOnlySpan<char>, List<(int Start, int End)>> _split;
    private readonly TokenModel _model;
    private readonly Func<int, string?> _tokenOf;
    private readonly ConcurrentDictionary<string, WordToken[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WordToken[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _cached;

    /// <summary>A token of a word: its id and string, and its span in the word's original characters.</summary>
    private readonly record struct WordToken(int Id, string Token, int Start, int End);

    private ByteLevelWords(PatternRegex split, TokenModel model, Func<int, string?> tokenOf)
    {
        // The two common patterns run as hand-written scanners (same matches, no regex engine); any other through the regex.
        _split = PreTokenScanner.For(split.Pattern) ?? split.Matches;
        (_model, _tokenOf) = (model, tokenOf);
        _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The fast path for this pipeline, or null when it is not the plain byte-level shape this class reproduces exactly.</summary>
    public static ByteLevelWords? For(object? normalizer, PreTokenizer? preTokenizer, TokenModel model, Func<int, string?> tokenOf)
    {
        if (normalizer is not null) return null;
        return preTokenizer switch
        {
            ByteLevel { AddPrefixSpace: false, UseRegex: true } => new ByteLevelWords(ByteLevel.Gpt2, model, tokenOf),
            PreTokenizerSequence { Steps: [Split { SplitBehavior: SplitBehavior.Isolated, Invert: false } split, ByteLevel { AddPrefixSpace: false, UseRegex: false }] } =>
                new ByteLevelWords(split.Pattern, model, tokenOf),
            _ => null,
        };
    }

    /// <summary>Appends the tokens of <paramref name="text"/>[start, start + length) (text between added tokens), offsets into <paramref name="text"/>.</summary>
    public void Tokenize(string text, int start, int length, List<PipelineToken> output)
    {
        var matches = t_matches ??= [];
        matches.Clear();
        var segment = text.AsSpan(start, length);
        _split(segment, matches);
        // Isolated: every match is a word, and so is any text between matches.
        var at = 0;
        foreach (var (s, e) in matches)
        {
            if (s > at) Word(text, start + at, s - at, output);
            Word(text, start + s, e - s, output);
            at = e;
        }
        if (at < length) Word(text, start + at, length - at, output);
    }

    private void Word(string text, int start, int length, List<PipelineToken> output)
    {
        var word = text.AsSpan(start, length);
        if (!_lookup.TryGetValue(word, out var tokens))
        {
            tokens = Encode(word);
            // Bounded: once full, new words are computed every time (ConcurrentDictionary.Count would take every lock).
            if (length <= MaxCachedLength && Volatile.Read(ref _cached) < CacheCapacity && _cache.TryAdd(word.ToString(), tokens))
                Interlocked.Increment(ref _cached);
        }
        foreach (var t in tokens) output.Add(new PipelineToken(t.Id, t.Token, new TokenOffset(start + t.Start, start + t.End), false));
    }

    // The general path's steps for one word: each UTF-8 byte becomes its printable character and remembers the original
    // character (a surrogate pair is one) it came from; the model's token spans over bytes map back to characters.
    private WordToken[] Encode(ReadOnlySpan<char> word)
    {
        var chars = new char[word.Length * 3 + 1];
        var from = new int[chars.Length];
        var to = new int[chars.Length];
        var n = 0;
        Span<byte> utf8 = stackalloc byte[4];
        for (var k = 0; k < word.Length;)
        {
            if (Rune.DecodeFromUtf16(word[k..], out var rune, out var used) != System.Buffers.OperationStatus.Done) rune = Rune.ReplacementChar;
            var bytes = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < bytes; b++, n++) (chars[n], from[n], to[n]) = (ByteAlphabet.Char(utf8[b]), k, k + used);
            k += used;
        }
        var modelTokens = new List<ModelToken>();
        _model.Tokenize(chars.AsSpan(0, n), modelTokens);
        var tokens = new WordToken[modelTokens.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            var t = modelTokens[i];
            // As AlignedText.Original: the union of the bytes' characters; an empty span sits before its position.
            var (s, e) = t.End > t.Start ? (from[t.Start], to[t.End - 1]) : t.Start < n ? (from[t.Start], from[t.Start]) : (to[n - 1], to[n - 1]);
            tokens[i] = new WordToken(t.Id, _tokenOf(t.Id) ?? "", s, e);
        }
        return tokens;
    }

    [ThreadStatic] private static List<(int Start, int End)>? t_matches;
}

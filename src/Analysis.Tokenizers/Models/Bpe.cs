using System.Collections.Concurrent;
using System.Text;
using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.Models;

/// <summary>
/// Byte-pair encoding: start from characters (or byte-fallback tokens, or unk), then repeatedly apply the
/// lowest-ranked merge, leftmost first, using a heap over a linked list of symbols (no rescans). Words are cached.
/// </summary>
internal sealed class Bpe : TokenModel
{
    private const int CacheCapacity = 200_000;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string?[] _tokens;
    private readonly Dictionary<long, (int Rank, int Id)> _merges;
    private readonly int? _unk;
    private readonly string _prefix, _suffix;
    private readonly bool _fuseUnk, _byteFallback, _ignoreMerges;
    private readonly int[] _byteIds = new int[256];
    private readonly ConcurrentDictionary<string, ModelToken[]> _cache = new(StringComparer.Ordinal);
    private int _cached;
    private readonly ConcurrentDictionary<string, ModelToken[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;

    public Bpe(ConfigNode node)
    {
        (_vocab, _tokens) = ReadVocab(node.Required("vocab"));
        _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefix = node.OptionalString("continuing_subword_prefix") ?? "";
        _suffix = node.OptionalString("end_of_word_suffix") ?? "";
        _fuseUnk = node.OptionalBool("fuse_unk", false);
        _byteFallback = node.OptionalBool("byte_fallback", false);
        _ignoreMerges = node.OptionalBool("ignore_merges", false);
        if (node.OptionalString("unk_token") is { } unk)
            _unk = _vocab.TryGetValue(unk, out var id) ? id : throw node.Required("unk_token").Error($"unk_token '{unk}' is not in the vocabulary");
        for (var b = 0; b < 256; b++) _byteIds[b] = _vocab.GetValueOrDefault($"<0x{b:X2}>", -1);

        var merges = node.Optional("merges");
        _merges = new Dictionary<long, (int, int)>();
        if (merges is null) return;
        var rank = 0;
        foreach (var merge in merges.Value.Items())
        {
            string a, b;
            if (merge.Element.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                var text = merge.String();
                var space = text.Length < 2 ? -1 : text.IndexOf(' ', 1);
                if (space < 0 || text.IndexOf(' ', space + 1) >= 0) throw merge.Error($"merge \"{text}\" must be two tokens separated by one space");
                (a, b) = (text[..space], text[(space + 1)..]);
            }
            else
            {
                var pair = merge.Items().ToArray();
                if (pair.Length != 2) throw merge.Error("a merge must be a pair of tokens");
                (a, b) = (pair[0].String(), pair[1].String());
            }
            if (!_vocab.TryGetValue(a, out var left)) throw merge.Error($"merge references unknown token '{a}'; every merged token must be in model.vocab");
            if (!_vocab.TryGetValue(b, out var right)) throw merge.Error($"merge references unknown token '{b}'; every merged token must be in model.vocab");
            var merged = a + (_prefix.Length > 0 && b.StartsWith(_prefix, StringComparison.Ordinal) ? b[_prefix.Length..] : b);
            if (!_vocab.TryGetValue(merged, out var id)) throw merge.Error($"merge result '{merged}' is not in model.vocab");
            _merges.TryAdd(Key(left, right), (rank++, id));
        }
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    public override int VocabSize => _tokens.Length;
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;
    public override string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public override void Tokenize(ReadOnlySpan<char> word, List<ModelToken> output)
    {
        if (word.IsEmpty) return;
        if (_cacheLookup.TryGetValue(word, out var cached)) { output.AddRange(cached); return; }
        var start = output.Count;
        if (_ignoreMerges && _lookup.TryGetValue(word, out var whole)) output.Add(new ModelToken(whole, 0, word.Length));
        else Merge(word, output);
        // Bounded: once full, new words are computed every time (ConcurrentDictionary.Count would take every lock).
        if (Volatile.Read(ref _cached) < CacheCapacity && _cache.TryAdd(word.ToString(), output.GetRange(start, output.Count - start).ToArray()))
            Interlocked.Increment(ref _cached);
    }

    private record struct Symbol(int Id, int Start, int End, int Prev, int Next);

    private void Merge(ReadOnlySpan<char> word, List<ModelToken> output)
    {
        var symbols = new List<Symbol>(word.Length);
        Span<char> key = stackalloc char[_prefix.Length + _suffix.Length + 2];
        (int Id, int Start, int End)? unk = null;
        void Add(int id, int s, int e) => symbols.Add(new Symbol(id, s, e, symbols.Count - 1, -1));
        for (var i = 0; i < word.Length;)
        {
            var used = i + 1 < word.Length && char.IsSurrogatePair(word[i], word[i + 1]) ? 2 : 1;
            var n = 0;
            if (i > 0) { _prefix.CopyTo(key); n = _prefix.Length; }
            word.Slice(i, used).CopyTo(key[n..]);
            n += used;
            if (i + used == word.Length) { _suffix.CopyTo(key[n..]); n += _suffix.Length; }
            if (_lookup.TryGetValue(key[..n], out var id))
            {
                if (unk is { } u) { Add(u.Id, u.Start, u.End); unk = null; }
                Add(id, i, i + used);
            }
            else if (_byteFallback && TryBytes(key[..n], out var bytes))
            {
                if (unk is { } u) { Add(u.Id, u.Start, u.End); unk = null; }
                foreach (var b in bytes) Add(b, i, i + used);
            }
            else if (_unk is { } unkId)
            {
                if (unk is { } u && _fuseUnk) unk = (unkId, u.Start, i + used);
                else
                {
                    if (unk is { } previous) Add(previous.Id, previous.Start, previous.End);
                    unk = (unkId, i, i + used);
                }
            }
            i += used;
        }
        if (unk is { } last) Add(last.Id, last.Start, last.End);
        for (var i = 0; i + 1 < symbols.Count; i++) symbols[i] = symbols[i] with { Next = i + 1 };

        if (symbols.Count > 1 && _merges.Count > 0)
        {
            var heap = new PriorityQueue<(int Pos, int Id), (int Rank, int Pos)>();
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (_merges.TryGetValue(Key(symbols[i].Id, symbols[i + 1].Id), out var m)) heap.Enqueue((i, m.Id), (m.Rank, i));
            while (heap.TryDequeue(out var top, out _))
            {
                var left = symbols[top.Pos];
                if (left.End == left.Start || left.Next < 0) continue; // removed, or nothing to its right any more
                var right = symbols[left.Next];
                if (!_merges.TryGetValue(Key(left.Id, right.Id), out var m) || m.Id != top.Id) continue; // stale entry
                symbols[top.Pos] = left with { Id = m.Id, End = right.End, Next = right.Next };
                symbols[left.Next] = right with { End = right.Start }; // mark removed
                if (right.Next >= 0) symbols[right.Next] = symbols[right.Next] with { Prev = top.Pos };
                var merged = symbols[top.Pos];
                if (merged.Prev >= 0 && _merges.TryGetValue(Key(symbols[merged.Prev].Id, merged.Id), out var before))
                    heap.Enqueue((merged.Prev, before.Id), (before.Rank, merged.Prev));
                if (merged.Next >= 0 && _merges.TryGetValue(Key(merged.Id, symbols[merged.Next].Id), out var after))
                    heap.Enqueue((top.Pos, after.Id), (after.Rank, top.Pos));
            }
        }
        foreach (var s in symbols) if (s.End > s.Start) output.Add(new ModelToken(s.Id, s.Start, s.End));
    }

    private bool TryBytes(ReadOnlySpan<char> text, out int[] ids)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var n = Encoding.UTF8.GetBytes(text, utf8);
        ids = new int[n];
        for (var i = 0; i < n; i++) if ((ids[i] = _byteIds[utf8[i]]) < 0) return false;
        return true;
    }
}

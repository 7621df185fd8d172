using System.Text;
using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.Models;

/// <summary>
/// Unigram language model: Viterbi best segmentation by summed piece log-probabilities; unknown characters cost
/// (lowest score − 10) and consecutive unknowns fuse into one unk, as in SentencePiece and the reference.
/// </summary>
internal sealed class Unigram : TokenModel
{
    private const double UnkPenalty = 10.0;
    private readonly Dictionary<string, int> _vocab = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string[] _tokens;
    private readonly double[] _scores;
    private readonly int _unk;
    private readonly double _unkScore;
    private readonly int _maxPieceLength;
    private readonly bool _byteFallback;
    private readonly int[] _byteIds = new int[256];

    public Unigram(ConfigNode node)
    {
        var items = node.Required("vocab").Items().ToArray();
        _tokens = new string[items.Length];
        _scores = new double[items.Length];
        var min = double.MaxValue;
        for (var i = 0; i < items.Length; i++)
        {
            var pair = items[i].Items().ToArray();
            if (pair.Length != 2) throw items[i].Error("a Unigram vocabulary entry must be [piece, score]");
            _tokens[i] = pair[0].String();
            _scores[i] = pair[1].Double();
            _vocab.TryAdd(_tokens[i], i);
            min = Math.Min(min, _scores[i]);
            _maxPieceLength = Math.Max(_maxPieceLength, _tokens[i].Length);
        }
        _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        var unk = node.OptionalInt("unk_id") ?? throw node.Error("a Unigram model needs unk_id");
        if (unk < 0 || unk >= _tokens.Length) throw node.Required("unk_id").Error($"unk_id {unk} is outside the vocabulary of {_tokens.Length}");
        _unk = unk;
        _unkScore = min - UnkPenalty;
        _byteFallback = node.OptionalBool("byte_fallback", false);
        for (var b = 0; b < 256; b++) _byteIds[b] = _vocab.GetValueOrDefault($"<0x{b:X2}>", -1);
    }

    public override int VocabSize => _tokens.Length;
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;
    public override string? IdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public override void Tokenize(ReadOnlySpan<char> word, List<ModelToken> output)
    {
        if (word.IsEmpty) return;
        var n = word.Length;
        var score = System.Buffers.ArrayPool<double>.Shared.Rent(n + 1);
        var from = System.Buffers.ArrayPool<int>.Shared.Rent(n + 1);
        var id = System.Buffers.ArrayPool<int>.Shared.Rent(n + 1);
        score[0] = 0;
        Array.Fill(from, -1, 0, n + 1);
        for (var start = 0; start < n;)
        {
            var charLength = start + 1 < n && char.IsSurrogatePair(word[start], word[start + 1]) ? 2 : 1;
            var single = false;
            var limit = Math.Min(n, start + _maxPieceLength);
            for (var end = start + 1; end <= limit; end++)
            {
                if (end < n && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1])) continue;
                if (!_lookup.TryGetValue(word[start..end], out var piece)) continue;
                var candidate = score[start] + _scores[piece];
                if (from[end] < 0 || candidate > score[end]) { score[end] = candidate; from[end] = start; id[end] = piece; }
                if (end - start == charLength) single = true;
            }
            if (!single)
            {
                var end = start + charLength;
                var candidate = score[start] + _unkScore;
                if (from[end] < 0 || candidate > score[end]) { score[end] = candidate; from[end] = start; id[end] = _unk; }
            }
            start += charLength;
        }
        var first = output.Count;
        for (var end = n; end > 0;)
        {
            var start = from[end];
            if (id[end] == _unk && output.Count > first && output[^1].Id == _unk && output[^1].Start == end)
                output[^1] = new ModelToken(_unk, start, output[^1].End); // fuse consecutive unknowns
            else output.Add(new ModelToken(id[end], start, end));
            end = start;
        }
        output.Reverse(first, output.Count - first);
        System.Buffers.ArrayPool<double>.Shared.Return(score);
        System.Buffers.ArrayPool<int>.Shared.Return(from);
        System.Buffers.ArrayPool<int>.Shared.Return(id);
        if (_byteFallback) ExpandUnknownBytes(word, output, first);
    }

    private void ExpandUnknownBytes(ReadOnlySpan<char> word, List<ModelToken> output, int first)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = first; i < output.Count; i++)
        {
            var t = output[i];
            if (t.Id != _unk) continue;
            var text = word[t.Start..t.End];
            var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
            Encoding.UTF8.GetBytes(text, bytes);
            if (bytes.Any(b => _byteIds[b] < 0)) continue;
            var expanded = new List<ModelToken>();
            for (var k = 0; k < text.Length;)
            {
                var used = k + 1 < text.Length && char.IsSurrogatePair(text[k], text[k + 1]) ? 2 : 1;
                var count = Encoding.UTF8.GetBytes(text.Slice(k, used), utf8);
                for (var b = 0; b < count; b++) expanded.Add(new ModelToken(_byteIds[utf8[b]], t.Start + k, t.Start + k + used));
                k += used;
            }
            output.RemoveAt(i);
            output.InsertRange(i, expanded);
            i += expanded.Count - 1;
        }
    }
}

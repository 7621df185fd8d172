using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>
/// SentencePiece's precompiled charsmap (T5, ALBERT, XLNet): a darts-clone double-array trie over UTF-8 keys whose values
/// index NUL-terminated replacements. Like the reference, each grapheme shorter than 6 UTF-8 bytes is looked up whole
/// first, then each of its characters; the first (shortest) trie prefix match is used.
/// </summary>
internal sealed class Precompiled : Normalizer
{
    private readonly uint[] _trie;
    private readonly byte[] _normalized;

    public Precompiled(ConfigNode node)
    {
        var field = node.Required("precompiled_charsmap");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(field.String()); }
        catch (FormatException e) { throw field.Error("precompiled_charsmap is not valid base64", e); }
        if (bytes.Length < 4) throw field.Error("precompiled_charsmap is shorter than its 4-byte header");
        var trieSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (trieSize % 4 != 0 || trieSize > bytes.Length - 4) throw field.Error($"precompiled_charsmap declares a {trieSize}-byte trie in {bytes.Length - 4} bytes");
        _trie = new uint[trieSize / 4];
        for (var i = 0; i < _trie.Length; i++) _trie[i] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4 + i * 4));
        _normalized = bytes[(4 + (int)trieSize)..];
        if (_trie.Length == 0) throw field.Error("precompiled_charsmap has an empty trie");
    }

    public override AlignedText Normalize(Piece input)
    {
        var text = input.Source.Text.Substring(input.Start, input.Length);
        var changes = new List<(Rune Char, int Change)>(text.Length + 4);
        var modified = false;
        Span<byte> utf8 = stackalloc byte[64];
        Span<char> one = stackalloc char[2];
        var graphemes = StringInfo.GetTextElementEnumerator(text);
        while (graphemes.MoveNext())
        {
            var grapheme = ((string)graphemes.Current).AsSpan();
            if (Encoding.UTF8.GetByteCount(grapheme) < 6 && Transform(utf8[..Encoding.UTF8.GetBytes(grapheme, utf8)]) is { } whole)
            {
                Replace(changes, grapheme, whole);
                modified = true;
                continue;
            }
            foreach (var rune in grapheme.EnumerateRunes())
            {
                var part = one[..rune.EncodeToUtf16(one)];
                if (Transform(utf8[..Encoding.UTF8.GetBytes(part, utf8)]) is { } replaced) { Replace(changes, part, replaced); modified = true; }
                else changes.Add((rune, 0));
            }
        }
        return modified ? Apply(input, changes) : input.Detach();
    }

    // The reference's bookkeeping: same-length replacements change nothing; extra characters are insertions
    // (they share the previous character's span); fewer characters fold the removal into the last entry.
    private static void Replace(List<(Rune Char, int Change)> changes, ReadOnlySpan<char> old, string replacement)
    {
        var oldCount = 0;
        foreach (var _ in old.EnumerateRunes()) oldCount++;
        var first = changes.Count;
        foreach (var r in replacement.EnumerateRunes()) changes.Add((r, 0));
        var diff = changes.Count - first - oldCount;
        if (diff > 0) for (var i = changes.Count - diff; i < changes.Count; i++) changes[i] = (changes[i].Char, 1);
        else if (diff < 0 && changes.Count > 0) changes[^1] = (changes[^1].Char, changes[^1].Change + diff);
    }

    // NormalizedString::transform: change 0 consumes one original character, change -k also drops k more,
    // change 1 inserts a character aligned like the last consumed one.
    private static AlignedText Apply(Piece input, List<(Rune Char, int Change)> changes)
    {
        var builder = new AlignedBuilder(input.Length + 8);
        var text = input.Source.Text;
        var end = input.Start + input.Length;
        var cursor = input.Start;
        var previous = new TokenOffset(input.Length == 0 ? 0 : input.Source.Starts[input.Start], input.Length == 0 ? 0 : input.Source.Starts[input.Start]);
        TokenOffset Consume()
        {
            if (cursor >= end) return previous;
            var used = cursor + 1 < end && char.IsSurrogatePair(text[cursor], text[cursor + 1]) ? 2 : 1;
            var k = cursor;
            cursor += used;
            return previous = new TokenOffset(input.Source.Starts[k], input.Source.Ends[k + used - 1]);
        }
        foreach (var (c, change) in changes)
        {
            var span = change > 0 ? previous : Consume();
            for (var i = 0; i < -change; i++) Consume();
            AppendRune(builder, c, span.Start, span.End);
        }
        return builder.Build();
    }

    // darts-clone common-prefix search; returns the replacement of the shortest matching key, or null.
    private string? Transform(ReadOnlySpan<byte> key)
    {
        uint position = 0;
        var unit = _trie[0];
        position ^= Offset(unit);
        foreach (var c in key)
        {
            if (c == 0) break;
            position ^= c;
            if (position >= _trie.Length) return null;
            unit = _trie[position];
            if ((unit & 0x800000FFu) != c) return null;
            position ^= Offset(unit);
            if (position >= _trie.Length) return null;
            if (((unit >> 8) & 1) == 1)
            {
                var index = (int)(_trie[position] & 0x7FFFFFFFu);
                if (index >= _normalized.Length) return null;
                var end = Array.IndexOf(_normalized, (byte)0, index);
                return Encoding.UTF8.GetString(_normalized, index, (end < 0 ? _normalized.Length : end) - index);
            }
        }
        return null;
    }

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}

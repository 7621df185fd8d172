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
        var builder = new AlignedBuilder(input.Length + 8);
        Span<byte> utf8 = stackalloc byte[64];
        var graphemes = StringInfo.GetTextElementEnumerator(text);
        while (graphemes.MoveNext())
        {
            var start = graphemes.ElementIndex;
            var grapheme = text.AsSpan(start, ((string)graphemes.Current).Length);
            if (Encoding.UTF8.GetByteCount(grapheme) < 6)
            {
                var n = Encoding.UTF8.GetBytes(grapheme, utf8);
                if (Transform(utf8[..n]) is { } whole)
                {
                    var span = input.Source.Original(input.Start + start, input.Start + start + grapheme.Length);
                    builder.Append(whole, span.Start, span.End);
                    continue;
                }
            }
            for (var i = 0; i < grapheme.Length;)
            {
                var used = i + 1 < grapheme.Length && char.IsSurrogatePair(grapheme[i], grapheme[i + 1]) ? 2 : 1;
                var n = Encoding.UTF8.GetBytes(grapheme.Slice(i, used), utf8);
                if (Transform(utf8[..n]) is { } part)
                {
                    var span = input.Source.Original(input.Start + start + i, input.Start + start + i + used);
                    builder.Append(part, span.Start, span.End);
                }
                else builder.Append(input, start + i, start + i + used);
                i += used;
            }
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

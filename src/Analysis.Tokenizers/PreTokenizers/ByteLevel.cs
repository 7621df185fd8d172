using System.Text;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>
/// GPT-2's byte-level pre-tokenizer: optional prefix space, optional GPT-2 regex split, then every UTF-8 byte becomes
/// one printable character (<see cref="ByteAlphabet"/>), aligned to the original character it came from.
/// </summary>
internal sealed class ByteLevel(bool addPrefixSpace, bool useRegex) : PreTokenizer
{
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    internal static readonly PatternRegex Gpt2 = new(Gpt2Pattern);

    public bool AddPrefixSpace => addPrefixSpace;
    public bool UseRegex => useRegex;

    public override void Apply(List<Piece> pieces)
    {
        if (addPrefixSpace)
            for (var i = 0; i < pieces.Count; i++)
            {
                var p = pieces[i];
                if (p.Length > 0 && p.Chars[0] != ' ')
                {
                    var builder = new AlignedBuilder(p.Length + 1);
                    builder.Append(' ', p.Source.Starts[p.Start], p.Source.Ends[p.Start]);
                    builder.Append(p, 0, p.Length);
                    pieces[i] = builder.Build().All;
                }
            }
        if (useRegex)
        {
            var matches = new List<(int, int)>();
            Splitting.Each(pieces, (piece, output) =>
            {
                matches.Clear();
                Gpt2.Matches(piece.Chars, matches);
                Splitting.Apply(piece, matches, SplitBehavior.Isolated, false, output);
            });
        }
        MapToBytes(pieces);
    }

    /// <summary>Rewrites all pieces into one byte-character text (one allocation for the whole input).</summary>
    internal static void MapToBytes(List<Piece> pieces)
    {
        var total = 0;
        foreach (var p in pieces) total += p.Length;
        var builder = new AlignedBuilder(total * 2 + 4);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < pieces.Count; i++)
        {
            var p = pieces[i];
            var start = builder.Length;
            var text = p.Chars;
            for (var k = 0; k < text.Length;)
            {
                if (Rune.DecodeFromUtf16(text[k..], out var rune, out var used) != System.Buffers.OperationStatus.Done) rune = Rune.ReplacementChar;
                var s = p.Source.Starts[p.Start + k];
                var e = p.Source.Ends[p.Start + k + used - 1];
                var n = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < n; b++) builder.Append(ByteAlphabet.Char(utf8[b]), s, e);
                k += used;
            }
            pieces[i] = new Piece(null!, start, builder.Length - start);
        }
        var mapped = builder.Build();
        for (var i = 0; i < pieces.Count; i++) pieces[i] = new Piece(mapped, pieces[i].Start, pieces[i].Length);
    }
}

/// <summary>GPT-2's reversible byte ↔ printable-character table.</summary>
internal static class ByteAlphabet
{
    private static readonly char[] ToChar = Build();
    private static readonly Dictionary<char, byte> ToByte = Enumerable.Range(0, 256).ToDictionary(b => ToChar[b], b => (byte)b);

    public static char Char(byte b) => ToChar[b];

    public static bool TryByte(char c, out byte b) => ToByte.TryGetValue(c, out b);

    private static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
            table[b] = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF) ? (char)b : (char)next++;
        return table;
    }
}

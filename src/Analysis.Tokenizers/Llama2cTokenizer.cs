using System.Buffers.Binary;
using System.Text;

namespace Analysis.Tokenizers;

/// <summary>
/// llama2.c's <c>tokenizer.bin</c>: int32 max_token_length, then per token float32 score, int32 length, UTF-8 bytes.
/// Encodes like llama2.c's <c>encode</c>: optional BOS, a dummy-prefix space, one token per UTF-8 character
/// (byte tokens <c>&lt;0xXX&gt;</c> = id byte+3 when a character is unknown), then merging the adjacent pair whose
/// concatenation has the highest score (leftmost on ties) until none is in the vocabulary.
/// Ids 0, 1, 2 are unk, BOS, EOS. Unlike C strings, U+0000 is encoded (as byte token 3) instead of ending the text.
/// </summary>
public sealed class Llama2cTokenizer : Tokenizer
{
    private const int Bos = 1, Eos = 2, ByteOffset = 3;
    private readonly byte[][] _pieces;
    private readonly float[] _scores;
    private readonly Dictionary<string, int> _ids; // key: the piece's bytes as Latin-1 chars (one char per byte)
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _space;

    private Llama2cTokenizer(byte[][] pieces, float[] scores)
    {
        _pieces = pieces;
        _scores = scores;
        _ids = new Dictionary<string, int>(pieces.Length, StringComparer.Ordinal);
        for (var i = 0; i < pieces.Length; i++) _ids.TryAdd(Encoding.Latin1.GetString(pieces[i]), i);
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _space = _ids.GetValueOrDefault(" ", -1);
    }

    /// <summary>Reads a llama2.c tokenizer.bin; the vocabulary size is the number of entries in the file.</summary>
    public static new Llama2cTokenizer Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pieces = new List<byte[]>();
        var scores = new List<float>();
        if (bytes.Length < 4) throw Corrupt(path, 0, "the file is shorter than its 4-byte header");
        var maxLength = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (maxLength <= 0 || maxLength > 1 << 16) throw Corrupt(path, 0, $"max_token_length {maxLength} is not a plausible length");
        for (var p = 4; p < bytes.Length;)
        {
            if (p + 8 > bytes.Length) throw Corrupt(path, p, "an entry header is cut off");
            var score = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(p));
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(p + 4));
            p += 8;
            if (length < 0 || length > maxLength || p + length > bytes.Length)
                throw Corrupt(path, p - 4, $"token {pieces.Count} claims {length} bytes (max_token_length {maxLength}, {bytes.Length - p} left)");
            pieces.Add(bytes.AsSpan(p, length).ToArray());
            scores.Add(score);
            p += length;
        }
        if (pieces.Count < ByteOffset + 256) throw Corrupt(path, bytes.Length, $"it holds {pieces.Count} tokens, fewer than the 259 (unk, BOS, EOS, 256 byte tokens) llama2.c needs");
        return new Llama2cTokenizer([.. pieces], [.. scores]);
    }

    private static TokenizerFormatException Corrupt(string path, int at, string problem) =>
        new($"{path}: not a llama2.c tokenizer.bin at byte {at}: {problem}; export it with llama2.c's tokenizer.py.");

    /// <inheritdoc/>
    public override int VocabSize => _pieces.Length;
    /// <inheritdoc/>
    public override int? BosId => Bos;
    /// <inheritdoc/>
    public override int? EosId => Eos;
    /// <inheritdoc/>
    public override int? PadId => null;
    /// <inheritdoc/>
    public override bool AddsBos => true;
    /// <inheritdoc/>
    public override bool AddsEos => false;

    /// <inheritdoc/>
    public override EncodedText Encode(string text, bool addSpecialTokens, int maxLength, Side truncation)
    {
        ArgumentNullException.ThrowIfNull(text);
        var symbols = new List<Symbol>(text.Length + 2);
        if (text.Length > 0 && _space >= 0) symbols.Add(new Symbol(_space, 0, 0));
        Span<byte> utf8 = stackalloc byte[4];
        Span<char> key = stackalloc char[4];
        for (var i = 0; i < text.Length;)
        {
            var status = System.Text.Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used);
            if (status != System.Buffers.OperationStatus.Done) rune = System.Text.Rune.ReplacementChar; // lone surrogate, as the reference's UTF-8 conversion does
            var n = rune.EncodeToUtf8(utf8);
            for (var k = 0; k < n; k++) key[k] = (char)utf8[k];
            if (_lookup.TryGetValue(key[..n], out var id)) symbols.Add(new Symbol(id, i, i + used));
            else for (var k = 0; k < n; k++) symbols.Add(new Symbol(utf8[k] + ByteOffset, i, i + used));
            i += used;
        }
        Merge(symbols);
        var content = symbols.Count;
        var special = addSpecialTokens ? 1 : 0;
        var keep = Math.Max(0, Math.Min(content, maxLength - special));
        var first = truncation == Side.Left ? content - keep : 0;
        var ids = new int[keep + special];
        var offsets = new TokenOffset[keep + special];
        var mask = new bool[keep + special];
        if (addSpecialTokens && keep + special > 0) { ids[0] = Bos; mask[0] = true; }
        for (var i = 0; i < keep; i++)
        {
            var s = symbols[first + i];
            ids[special + i] = s.Id;
            offsets[special + i] = new TokenOffset(s.Start, s.End);
        }
        return new EncodedText(ids, offsets, mask);
    }

    private record struct Symbol(int Id, int Start, int End);

    // Best-first merging with a heap: same result as llama2.c's rescan (highest score, leftmost on ties),
    // because merging never reorders symbols, so "leftmost" is the smallest original index.
    private void Merge(List<Symbol> symbols)
    {
        var n = symbols.Count;
        if (n < 2) return;
        var prev = new int[n];
        var next = new int[n];
        var version = new int[n];
        var alive = new bool[n];
        for (var i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; alive[i] = true; }
        var heap = new PriorityQueue<(int Left, int Right, int VersionLeft, int VersionRight, int Id), (float Score, int Left)>(
            Comparer<(float Score, int Left)>.Create((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left)));
        void Push(int left)
        {
            var right = next[left];
            if (right < 0) return;
            var id = PairId(symbols[left].Id, symbols[right].Id);
            if (id >= 0) heap.Enqueue((left, right, version[left], version[right], id), (_scores[id], left));
        }
        for (var i = 0; i + 1 < n; i++) Push(i);
        while (heap.TryDequeue(out var m, out _))
        {
            if (!alive[m.Left] || !alive[m.Right] || next[m.Left] != m.Right || version[m.Left] != m.VersionLeft || version[m.Right] != m.VersionRight) continue;
            var l = symbols[m.Left];
            var r = symbols[m.Right];
            symbols[m.Left] = new Symbol(m.Id, Math.Min(l.Start, r.Start), Math.Max(l.End, r.End));
            version[m.Left]++;
            alive[m.Right] = false;
            next[m.Left] = next[m.Right];
            if (next[m.Right] >= 0) prev[next[m.Right]] = m.Left;
            if (prev[m.Left] >= 0) Push(prev[m.Left]);
            Push(m.Left);
        }
        var w = 0;
        for (var i = 0; i < n; i++) if (alive[i]) symbols[w++] = symbols[i];
        symbols.RemoveRange(w, n - w);
    }

    private int PairId(int a, int b)
    {
        var pa = _pieces[a];
        var pb = _pieces[b];
        var length = pa.Length + pb.Length;
        Span<char> key = length <= 256 ? stackalloc char[length] : new char[length];
        for (var i = 0; i < pa.Length; i++) key[i] = (char)pa[i];
        for (var i = 0; i < pb.Length; i++) key[pa.Length + i] = (char)pb[i];
        return _lookup.TryGetValue(key, out var id) ? id : -1;
    }

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var bytes = new List<byte>(ids.Length * 4);
        var previous = -1;
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)_pieces.Length) throw new ArgumentOutOfRangeException(nameof(ids), $"Token id {id} is outside this vocabulary of {_pieces.Length}.");
            if (skipSpecialTokens && id is Bos or Eos) { previous = id; continue; }
            ReadOnlySpan<byte> piece = _pieces[id];
            if (previous == Bos && piece.Length > 0 && piece[0] == (byte)' ') piece = piece[1..];
            if (TryParseByteToken(piece, out var b)) bytes.Add(b);
            else bytes.AddRange(piece);
            previous = id;
        }
        return Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes));
    }

    private static bool TryParseByteToken(ReadOnlySpan<byte> piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece[0] == (byte)'<' && piece[1] == (byte)'0' && piece[2] == (byte)'x' && piece[5] == (byte)'>'
            && byte.TryParse(Encoding.ASCII.GetString(piece[3..5]), System.Globalization.NumberStyles.HexNumber, null, out value);
    }

    /// <inheritdoc/>
    public override string? IdToToken(int id) => (uint)id < (uint)_pieces.Length ? Encoding.UTF8.GetString(_pieces[id]) : null;

    /// <inheritdoc/>
    public override int? TokenToId(string token)
    {
        var key = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(token));
        return _ids.TryGetValue(key, out var id) ? id : null;
    }
}

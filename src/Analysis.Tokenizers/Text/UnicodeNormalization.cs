using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Analysis.Tokenizers.Text;

/// <summary>
/// NFC/NFD/NFKC/NFKD in managed code from embedded Unicode 14 tables (tools/tokenizer-golden/make-unicode-tables.py):
/// .NET's own <see cref="string.Normalize()"/> needs ICU and is a no-op under InvariantGlobalization.
/// </summary>
internal static class UnicodeNormalization
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;
    private static readonly Dictionary<int, byte> Classes = [];
    private static readonly Dictionary<int, int[]> Canonical = [];
    private static readonly Dictionary<int, int[]> Compatibility = [];
    private static readonly Dictionary<long, int> Composites = [];

    static UnicodeNormalization()
    {
        using var resource = typeof(UnicodeNormalization).Assembly.GetManifestResourceStream("Analysis.Tokenizers.unicode-normalization.bin")
            ?? throw new InvalidOperationException("The embedded Unicode normalization tables are missing from Analysis.Tokenizers.dll.");
        using var zlib = new ZLibStream(resource, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        zlib.CopyTo(buffer);
        var data = buffer.ToArray();
        var at = 0;
        int Next() { var v = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at)); at += 4; return v; }
        for (var n = Next(); n > 0; n--) Classes[Next()] = (byte)Next();
        for (var n = Next(); n > 0; n--)
        {
            var cp = Next();
            var compat = Next() == 1;
            var mapping = new int[Next()];
            for (var i = 0; i < mapping.Length; i++) mapping[i] = Next();
            (compat ? Compatibility : Canonical)[cp] = mapping;
        }
        for (var n = Next(); n > 0; n--) { var a = Next(); var b = Next(); Composites[((long)a << 21) | (uint)b] = Next(); }
    }

    public static int CombiningClass(int cp) => Classes.GetValueOrDefault(cp);

    /// <summary>Normalizes <paramref name="text"/> to <paramref name="form"/>; lone surrogates pass through as U+FFFD.</summary>
    public static string Normalize(ReadOnlySpan<char> text, NormalizationForm form)
    {
        if (!text.ContainsAnyExceptInRange('\0', '\u009F')) return text.ToString(); // ASCII and C1 controls are invariant under every form
        var compat = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        var cps = new List<int>(text.Length + 4);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, compat, cps);
        Reorder(cps);
        if (form is NormalizationForm.FormC or NormalizationForm.FormKC) Compose(cps);
        var sb = new StringBuilder(cps.Count + 4);
        foreach (var cp in cps) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    /// <summary>Appends the full canonical (or compatibility) decomposition of one code point.</summary>
    public static void Decompose(int cp, bool compat, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) output.Add(TBase + s % TCount);
            return;
        }
        if ((compat && Compatibility.TryGetValue(cp, out var m)) || Canonical.TryGetValue(cp, out m)) output.AddRange(m);
        else output.Add(cp);
    }

    // Canonical ordering: stable sort of each run of non-starters by combining class.
    private static void Reorder(List<int> cps)
    {
        for (var i = 1; i < cps.Count; i++)
        {
            var c = CombiningClass(cps[i]);
            if (c == 0) continue;
            for (var j = i; j > 0 && CombiningClass(cps[j - 1]) > c; j--) (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
        }
    }

    private static void Compose(List<int> cps)
    {
        if (cps.Count == 0) return;
        var starter = CombiningClass(cps[0]) == 0 ? 0 : -1;
        var lastClass = starter == 0 ? 0 : 256;
        var write = 1;
        for (var i = 1; i < cps.Count; i++)
        {
            var cp = cps[i];
            var c = CombiningClass(cp);
            if (starter >= 0 && (lastClass < c || lastClass == 0 && write - 1 == starter) && TryCompose(cps[starter], cp, out var composite))
            {
                cps[starter] = composite;
                continue;
            }
            if (c == 0) starter = write;
            lastClass = c;
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static bool TryCompose(int a, int b, out int composite)
    {
        if (a is >= LBase and < LBase + LCount && b is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((a - LBase) * VCount + (b - VBase)) * TCount;
            return true;
        }
        if (a is >= SBase and < SBase + SCount && (a - SBase) % TCount == 0 && b is > TBase and < TBase + TCount)
        {
            composite = a + (b - TBase);
            return true;
        }
        return Composites.TryGetValue(((long)a << 21) | (uint)b, out composite);
    }
}

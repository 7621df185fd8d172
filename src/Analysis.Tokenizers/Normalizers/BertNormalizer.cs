using System.Globalization;
using System.Text;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>BERT's normalizer: drop control characters, whitespace to spaces, space out CJK ideographs, strip accents, lowercase.</summary>
internal sealed class BertNormalizer(bool cleanText, bool chineseChars, bool? stripAccents, bool lowercase) : Normalizer
{
    private readonly bool _stripAccents = stripAccents ?? lowercase;

    public override AlignedText Normalize(Piece input) => MapRunes(input, (rune, builder, start, end) =>
    {
        if (cleanText)
        {
            if (rune.Value is 0 or 0xFFFD || IsControl(rune)) return;
            if (IsWhitespace(rune)) rune = new Rune(' ');
        }
        var pad = chineseChars && IsChinese(rune.Value);
        if (pad) builder.Append(' ', start, end);
        if (_stripAccents && rune.Value >= 0xC0) // nothing below U+00C0 has a canonical decomposition
        {
            var decomposed = t_decomposed ??= [];
            decomposed.Clear();
            UnicodeNormalization.Decompose(rune.Value, compat: false, decomposed);
            foreach (var cp in decomposed)
            {
                var r = new Rune(cp);
                if (Rune.GetUnicodeCategory(r) == UnicodeCategory.NonSpacingMark) continue;
                if (lowercase) Lowercase.Map(r, builder, start, end); else AppendRune(builder, r, start, end);
            }
        }
        else if (lowercase) Lowercase.Map(rune, builder, start, end);
        else AppendRune(builder, rune, start, end);
        if (pad) builder.Append(' ', start, end);
    });

    [ThreadStatic] private static List<int>? t_decomposed;

    internal static bool IsWhitespace(Rune r) => r.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(r);

    // The reference's "other" categories: Cc, Cf, Cs, Co (unassigned code points are kept).
    private static bool IsControl(Rune r) => r.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(r) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse;

    private static bool IsChinese(int c) => c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
        or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}

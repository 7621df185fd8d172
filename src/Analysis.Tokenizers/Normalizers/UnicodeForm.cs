using System.Globalization;
using System.Text;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>NFC/NFD/NFKC/NFKD. Normalizes each base character with its combining marks as one unit, so the output of a unit spans that unit's original characters.</summary>
internal sealed class UnicodeForm(NormalizationForm form) : Normalizer
{
    public override AlignedText Normalize(Piece input)
    {
        var text = input.Chars;
        var builder = new AlignedBuilder(input.Length + 8);
        for (var i = 0; i < text.Length;)
        {
            var end = i + RuneLength(text, i);
            while (end < text.Length && IsMark(text, end)) end += RuneLength(text, end);
            var chunk = text[i..end];
            string? normalized = null;
            if (chunk.ContainsAnyExceptInRange('\0', '\u009F'))
            {
                var original = chunk.ToString();
                normalized = UnicodeNormalization.Normalize(original, form);
                if (normalized == original) normalized = null;
            }
            if (normalized is null) builder.Append(input, i, end);
            else builder.Append(normalized, input.Source.Starts[input.Start + i], input.Source.Ends[input.Start + end - 1]);
            i = end;
        }
        return builder.Build();
    }

    private static int RuneLength(ReadOnlySpan<char> text, int i) => i + 1 < text.Length && char.IsSurrogatePair(text[i], text[i + 1]) ? 2 : 1;

    private static bool IsMark(ReadOnlySpan<char> text, int i)
    {
        var category = RuneLength(text, i) == 2 ? CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1])) : CharUnicodeInfo.GetUnicodeCategory(text[i]);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }
}


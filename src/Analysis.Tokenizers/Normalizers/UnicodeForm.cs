using System.Globalization;
using System.Text;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>NFC/NFD/NFKC/NFKD, one base character with its combining marks at a time, aligned as the reference aligns them.</summary>
internal sealed class UnicodeForm(NormalizationForm form) : Normalizer
{
    public override AlignedText Normalize(Piece input)
    {
        var text = input.Chars;
        var builder = new AlignedBuilder(input.Length + 8);
        for (var i = 0; i < text.Length;)
        {
            var end = i + RuneLength(text, i);
            while (end < text.Length && (IsMark(text, end) || text[end] is (>= '\u1160' and <= '\u11FF') or (>= '\uD7B0' and <= '\uD7FF'))) end += RuneLength(text, end); // marks, Hangul vowel/trailing jamo
            var chunk = text[i..end];
            string? normalized = null;
            if (chunk.ContainsAnyExceptInRange('\0', '\u009F'))
            {
                var original = chunk.ToString();
                normalized = UnicodeNormalization.Normalize(original, form);
                if (normalized == original) normalized = null;
            }
            if (normalized is null) builder.Append(input, i, end);
            else Align(builder, input, i, end, normalized);
            i = end;
        }
        return builder.Build();
    }

    // Aligns a normalized chunk like the reference's transform: output characters take the input characters in order;
    // when the output is shorter the first one also swallows the surplus (compositions), when longer the extra ones
    // are insertions that share the last consumed character's span (decompositions).
    private static void Align(AlignedBuilder builder, Piece input, int from, int to, string normalized)
    {
        var text = input.Chars;
        var spans = new List<(int Start, int End)>();
        for (var i = from; i < to;)
        {
            var used = RuneLength(text, i);
            spans.Add((input.Source.Starts[input.Start + i], input.Source.Ends[input.Start + i + used - 1]));
            i += used;
        }
        var output = normalized.EnumerateRunes().ToArray();
        var surplus = Math.Max(0, spans.Count - output.Length);
        var next = 0;
        var last = spans[0];
        for (var k = 0; k < output.Length; k++)
        {
            if (next < spans.Count)
            {
                last = spans[next];
                next += k == 0 ? 1 + surplus : 1;
            }
            AppendRune(builder, output[k], last.Start, last.End);
        }
    }

    private static int RuneLength(ReadOnlySpan<char> text, int i) => i + 1 < text.Length && char.IsSurrogatePair(text[i], text[i + 1]) ? 2 : 1;

    private static bool IsMark(ReadOnlySpan<char> text, int i)
    {
        var category = RuneLength(text, i) == 2 ? CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1])) : CharUnicodeInfo.GetUnicodeCategory(text[i]);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }
}


using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Analysis.Tokenizers.Text;

/// <summary>
/// A tokenizer.json regex (Oniguruma syntax) compiled for .NET. Oniguruma matches code points, .NET matches UTF-16
/// units, so before matching, each supplementary letter or number is replaced by two BMP stand-ins of the same
/// category (<c>\p{L}</c>, <c>\p{N}</c> then see a letter/number run of the same extent); indices are unchanged.
/// </summary>
internal sealed class PatternRegex
{
    private const char LetterStandIn = '\u4E00', NumberStandIn = '\u0660';
    private readonly Regex _regex;

    public PatternRegex(string pattern) => _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static PatternRegex Literal(string text) => new(Regex.Escape(text));

    /// <summary>Appends the non-empty matches of <paramref name="text"/> as (start, end) pairs.</summary>
    public void Matches(ReadOnlySpan<char> text, List<(int Start, int End)> output)
    {
        char[]? rented = null;
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
        {
            rented = ArrayPool<char>.Shared.Rent(text.Length);
            text.CopyTo(rented);
            for (var i = 0; i + 1 < text.Length; i++)
            {
                if (!char.IsSurrogatePair(text[i], text[i + 1])) continue;
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                var standIn = category switch
                {
                    <= UnicodeCategory.OtherLetter => LetterStandIn,
                    UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => NumberStandIn,
                    _ => '\0',
                };
                if (standIn != '\0') rented[i] = rented[i + 1] = standIn;
                i++;
            }
            text = rented.AsSpan(0, text.Length);
        }
        foreach (var m in _regex.EnumerateMatches(text))
            if (m.Length > 0) output.Add((m.Index, m.Index + m.Length));
        if (rented is not null) ArrayPool<char>.Shared.Return(rented);
    }
}

using System.Globalization;
using System.Text;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>Removes combining marks (Mn, Mc, Me), as the reference's StripAccents does; meant to follow NFD.</summary>
internal sealed class StripAccents : Normalizer
{
    public override AlignedText Normalize(Piece input) => MapRunes(input, (rune, builder, start, end) =>
    {
        if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            AppendRune(builder, rune, start, end);
    });
}

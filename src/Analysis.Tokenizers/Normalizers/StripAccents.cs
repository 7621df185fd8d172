using System.Globalization;
using System.Text;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>Removes nonspacing marks (meant to follow NFD, as in the reference pipelines).</summary>
internal sealed class StripAccents : Normalizer
{
    public override AlignedText Normalize(Piece input) => MapRunes(input, (rune, builder, start, end) =>
    {
        if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) AppendRune(builder, rune, start, end);
    });
}

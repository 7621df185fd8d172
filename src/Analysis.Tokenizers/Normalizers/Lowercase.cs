using System.Text;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>Unicode lowercasing per character, like Rust's <c>char::to_lowercase</c> (İ becomes i + U+0307).</summary>
internal sealed class Lowercase : Normalizer
{
    public override AlignedText Normalize(Piece input) => MapRunes(input, Map);

    public static void Map(Rune rune, AlignedBuilder builder, int start, int end)
    {
        if (rune.Value == 0x130) { builder.Append('i', start, end); builder.Append('\u0307', start, end); return; }
        AppendRune(builder, Rune.ToLowerInvariant(rune), start, end);
    }
}

using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>Removes leading and/or trailing whitespace.</summary>
internal sealed class Strip(bool left, bool right) : Normalizer
{
    public override AlignedText Normalize(Piece input)
    {
        var text = input.Chars;
        var start = 0;
        var end = text.Length;
        if (left) while (start < end && char.IsWhiteSpace(text[start])) start++;
        if (right) while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        return input.Slice(start, end - start).Detach();
    }
}

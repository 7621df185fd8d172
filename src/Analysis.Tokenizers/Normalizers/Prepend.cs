using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>Prepends fixed text to non-empty input; it spans the first original character.</summary>
internal sealed class Prepend(string prefix) : Normalizer
{
    public override AlignedText Normalize(Piece input)
    {
        if (input.Length == 0) return input.Detach();
        var builder = new AlignedBuilder(input.Length + prefix.Length);
        builder.Append(prefix, input.Source.Starts[input.Start], input.Source.Ends[input.Start]);
        builder.Append(input, 0, input.Length);
        return builder.Build();
    }
}

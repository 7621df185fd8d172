
namespace Analysis.Tokenizers.Decoders;

internal sealed class DecoderSequence(Decoder[] steps) : Decoder
{
    public override List<string> Decode(List<string> tokens)
    {
        foreach (var step in steps) tokens = step.Decode(tokens);
        return tokens;
    }
}

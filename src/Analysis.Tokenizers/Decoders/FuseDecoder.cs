
namespace Analysis.Tokenizers.Decoders;

internal sealed class FuseDecoder : Decoder
{
    public override List<string> Decode(List<string> tokens) => [string.Concat(tokens)];
}

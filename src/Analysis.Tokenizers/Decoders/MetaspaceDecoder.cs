
namespace Analysis.Tokenizers.Decoders;

/// <summary>▁ back to spaces; the first token loses its leading space when a prefix was added.</summary>
internal sealed class MetaspaceDecoder(string replacement, bool prefixAdded) : Decoder
{
    public override List<string> Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i].Replace(replacement, " ", StringComparison.Ordinal);
            if (i == 0 && prefixAdded && t.StartsWith(' ')) t = t[1..];
            result.Add(t);
        }
        return result;
    }
}

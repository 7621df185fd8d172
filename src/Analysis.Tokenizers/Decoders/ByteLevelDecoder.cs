using System.Text;
using Analysis.Tokenizers.PreTokenizers;

namespace Analysis.Tokenizers.Decoders;

/// <summary>Byte-level characters back to bytes, then UTF-8 (invalid sequences become U+FFFD).</summary>
internal sealed class ByteLevelDecoder : Decoder
{
    public override List<string> Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var start = bytes.Count;
            var ok = true;
            foreach (var c in token)
            {
                if (ByteAlphabet.TryByte(c, out var b)) bytes.Add(b);
                else { ok = false; break; }
            }
            if (!ok) { bytes.RemoveRange(start, bytes.Count - start); bytes.AddRange(Encoding.UTF8.GetBytes(token)); }
        }
        return [Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))];
    }
}

using System.Text;

namespace Analysis.Tokenizers.Decoders;

/// <summary>Runs of &lt;0xXX&gt; tokens become their UTF-8 text, or one U+FFFD per byte when invalid.</summary>
internal sealed class ByteFallbackDecoder : Decoder
{
    private static readonly UTF8Encoding Strict = new(false, true);

    public override List<string> Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        void Flush()
        {
            if (bytes.Count == 0) return;
            try { result.Add(Strict.GetString(bytes.ToArray())); }
            catch (DecoderFallbackException) { for (var i = 0; i < bytes.Count; i++) result.Add("\uFFFD"); }
            bytes.Clear();
        }
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b)) bytes.Add(b);
            else { Flush(); result.Add(t); }
        }
        Flush();
        return result;
    }
}

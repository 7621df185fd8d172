
namespace Analysis.Tokenizers.Decoders;

/// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing copies of a character from each token.</summary>
internal sealed class StripDecoder(string content, int start, int stop) : Decoder
{
    public override List<string> Decode(List<string> tokens) => tokens.Select(t =>
    {
        var s = 0;
        var e = t.Length;
        for (var i = 0; i < start && t.AsSpan(s).StartsWith(content, StringComparison.Ordinal); i++) s += content.Length;
        for (var i = 0; i < stop && e - content.Length >= s && t.AsSpan(s, e - s).EndsWith(content, StringComparison.Ordinal); i++) e -= content.Length;
        return t[s..e];
    }).ToList();
}

using Analysis.Tokenizers.PreTokenizers;

namespace Analysis.Tokenizers.PostProcessors;

/// <summary>ByteLevel post-processing: with trim_offsets, offsets drop the leading/trailing spaces a byte-level token carries.</summary>
internal sealed class ByteLevelOffsets(bool addPrefixSpace) : PostProcessor
{
    private static readonly char Space = ByteAlphabet.Char((byte)' ');

    public bool Enabled { get; init; } = true;

    public override int AddedTokens => 0;

    public override void Process(List<PipelineToken> tokens, bool addSpecialTokens, string text)
    {
        if (!Enabled) return;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var leading = 0;
            while (leading < t.Token.Length && IsSpace(t.Token[leading])) leading++;
            var trailing = 0; // counted independently of leading, as the reference does (a lone space counts as both)
            while (trailing < t.Token.Length && IsSpace(t.Token[t.Token.Length - 1 - trailing])) trailing++;
            if (leading == 0 && trailing == 0) continue;
            var (start, end) = (t.Offset.Start, t.Offset.End);
            if (leading > 0)
            {
                var isFirst = i == 0 || start == 0;
                if (!(isFirst && addPrefixSpace && leading == 1)) start = Math.Min(Forward(text, start, leading), end);
            }
            if (trailing > 0 && CodePoints(text, end) >= trailing) end = Math.Max(Back(text, end, trailing), start);
            tokens[i] = t with { Offset = new TokenOffset(start, end) };
        }
    }

    // The reference trims by characters (code points); offsets here are UTF-16 indices.
    private static int Forward(string text, int at, int count)
    {
        for (; count > 0 && at < text.Length; count--) at += at + 1 < text.Length && char.IsSurrogatePair(text[at], text[at + 1]) ? 2 : 1;
        return at + count;
    }

    private static int Back(string text, int at, int count)
    {
        for (; count > 0 && at > 0; count--) at -= at > 1 && char.IsSurrogatePair(text[at - 2], text[at - 1]) ? 2 : 1;
        return at;
    }

    private static int CodePoints(string text, int end)
    {
        var n = 0;
        for (var i = 0; i < end && i < text.Length; i++) if (!char.IsLowSurrogate(text[i]) || i == 0 || !char.IsHighSurrogate(text[i - 1])) n++;
        return n;
    }

    private static bool IsSpace(char c) => c == Space || char.IsWhiteSpace(c);
}

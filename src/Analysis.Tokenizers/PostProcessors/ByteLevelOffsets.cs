using Analysis.Tokenizers.PreTokenizers;

namespace Analysis.Tokenizers.PostProcessors;

/// <summary>ByteLevel post-processing: with trim_offsets, offsets drop the leading/trailing spaces a byte-level token carries.</summary>
internal sealed class ByteLevelOffsets(bool addPrefixSpace) : PostProcessor
{
    private static readonly char Space = ByteAlphabet.Char((byte)' ');

    public bool Enabled { get; init; } = true;

    public override int AddedTokens => 0;

    public override void Process(List<PipelineToken> tokens, bool addSpecialTokens)
    {
        if (!Enabled) return;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var leading = 0;
            while (leading < t.Token.Length && IsSpace(t.Token[leading])) leading++;
            var trailing = 0;
            while (trailing < t.Token.Length - leading && IsSpace(t.Token[t.Token.Length - 1 - trailing])) trailing++;
            if (leading == 0 && trailing == 0) continue;
            var (start, end) = (t.Offset.Start, t.Offset.End);
            if (leading > 0)
            {
                var isFirst = i == 0 || start == 0;
                if (!(isFirst && addPrefixSpace && leading == 1)) start = Math.Min(start + leading, end);
            }
            if (trailing > 0 && end >= trailing) end = Math.Max(end - trailing, start);
            tokens[i] = t with { Offset = new TokenOffset(start, end) };
        }
    }

    private static bool IsSpace(char c) => c == Space || char.IsWhiteSpace(c);
}

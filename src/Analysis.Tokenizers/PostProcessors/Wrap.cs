
namespace Analysis.Tokenizers.PostProcessors;

/// <summary>BERT/RoBERTa: [CLS] sequence [SEP], optionally trimming whitespace from byte-level offsets.</summary>
internal sealed class Wrap((string Token, int Id) first, (string Token, int Id) last, ByteLevelOffsets? trim) : PostProcessor
{
    public override int AddedTokens => 2;
    public override (int[] Before, int[] After) Wrapping => ([first.Id], [last.Id]);

    public override void Process(List<PipelineToken> tokens, bool addSpecialTokens, string text)
    {
        trim?.Process(tokens, addSpecialTokens, text);
        if (!addSpecialTokens) return;
        tokens.Insert(0, new PipelineToken(first.Id, first.Token, default, true));
        tokens.Add(new PipelineToken(last.Id, last.Token, default, true));
    }
}

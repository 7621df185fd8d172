
namespace Analysis.Tokenizers.PostProcessors;

internal sealed class PostProcessorSequence(PostProcessor[] steps) : PostProcessor
{
    public override int AddedTokens => steps.Sum(s => s.AddedTokens);

    public override (int[] Before, int[] After) Wrapping =>
        (steps.SelectMany(s => s.Wrapping.Before).ToArray(), steps.SelectMany(s => s.Wrapping.After).ToArray());

    public override void Process(List<PipelineToken> tokens, bool addSpecialTokens, string text)
    {
        foreach (var step in steps) step.Process(tokens, addSpecialTokens, text);
    }
}

namespace Analysis.Tokenizers.PostProcessors;

/// <summary>BOS/EOS as tokenizer_config.json's add_bos_token/add_eos_token ask, replacing the file's post-processor.</summary>
internal sealed class ConfiguredSpecials((string Token, int Id)? bos, (string Token, int Id)? eos) : PostProcessor
{
    public override int AddedTokens => (bos is null ? 0 : 1) + (eos is null ? 0 : 1);
    public override (int[] Before, int[] After) Wrapping => (bos is { } b ? [b.Id] : [], eos is { } e ? [e.Id] : []);

    public override void Process(List<PipelineToken> tokens, bool addSpecialTokens, string text)
    {
        if (!addSpecialTokens) return;
        if (bos is { } b) tokens.Insert(0, new PipelineToken(b.Id, b.Token, default, true));
        if (eos is { } e) tokens.Add(new PipelineToken(e.Id, e.Token, default, true));
    }
}

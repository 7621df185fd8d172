using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.PostProcessors;

/// <summary>A token on its way out of the pipeline: id, vocabulary string, original span, and whether the post-processor inserted it.</summary>
internal record struct PipelineToken(int Id, string Token, TokenOffset Offset, bool Special);

/// <summary>A tokenizer.json post-processor: adds special tokens (and may trim offsets) for a single sequence.</summary>
internal abstract class PostProcessor
{
    /// <summary>How many tokens <see cref="Process"/> inserts when adding special tokens (for truncation).</summary>
    public abstract int AddedTokens { get; }

    public abstract void Process(List<PipelineToken> tokens, bool addSpecialTokens, string text);

    /// <summary>Ids this post-processor places before and after the sequence (for BOS/EOS reporting).</summary>
    public virtual (int[] Before, int[] After) Wrapping => ([], []);

    public static PostProcessor Create(ConfigNode node, Func<string, int?> tokenToId)
    {
        node = node.As("post_processor");
        return node.Type() switch
        {
            "TemplateProcessing" => new TemplateProcessing(node),
            "BertProcessing" => new Wrap(Pair(node.Required("cls")), Pair(node.Required("sep")), null),
            "RobertaProcessing" => new Wrap(Pair(node.Required("cls")), Pair(node.Required("sep")),
                node.OptionalBool("trim_offsets", true) ? new ByteLevelOffsets(node.OptionalBool("add_prefix_space", true)) : null),
            "ByteLevel" => new ByteLevelOffsets(node.OptionalBool("add_prefix_space", true)) { Enabled = node.OptionalBool("trim_offsets", true) },
            "Sequence" => new PostProcessorSequence([.. node.Required("processors").Items().Select(p => Create(p, tokenToId))]),
            var t => throw node.Error($"unknown post_processor type '{t}'; supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence"),
        };
    }

    private static (string Token, int Id) Pair(ConfigNode node)
    {
        var items = node.Items().ToArray();
        if (items.Length != 2) throw node.Error("expected [token, id]");
        return (items[0].String(), items[1].Int());
    }
}

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

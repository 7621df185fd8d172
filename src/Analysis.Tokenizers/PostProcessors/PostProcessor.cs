using Analysis.Tokenizers.Json;

namespace Analysis.Tokenizers.PostProcessors;

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
        return (items[0].String(), items[1].Id());
    }
}

using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.PreTokenizers;

/// <summary>A tokenizer.json pre-tokenizer: splits (and possibly rewrites) pieces before the model sees them.</summary>
internal abstract class PreTokenizer
{
    /// <summary>Replaces <paramref name="pieces"/> with their pre-tokenized pieces, in order.</summary>
    public abstract void Apply(List<Piece> pieces);

    public static PreTokenizer Create(ConfigNode node)
    {
        node = node.As("pre_tokenizer");
        return node.Type() switch
        {
            "Sequence" => new PreTokenizerSequence([.. node.Required("pretokenizers").Items().Select(Create)]),
            "ByteLevel" => new ByteLevel(node.OptionalBool("add_prefix_space", true), node.OptionalBool("use_regex", true)),
            "Split" => new Split(node),
            "Metaspace" => new Metaspace(node),
            "Whitespace" => new Whitespace(),
            "WhitespaceSplit" => new CharSplit(char.IsWhiteSpace, SplitBehavior.Removed),
            "BertPreTokenizer" => new BertPreTokenizer(),
            "Punctuation" => new CharSplit(IsPunctuation, Behavior(node, SplitBehavior.Isolated)),
            "Digits" => new CharSplit(c => char.IsNumber(c), node.OptionalBool("individual_digits", false) ? SplitBehavior.Isolated : SplitBehavior.Contiguous),
            var t => throw node.Error($"unknown pre_tokenizer type '{t}'; supported: Sequence, ByteLevel, Split, Metaspace, Whitespace, WhitespaceSplit, BertPreTokenizer, Punctuation, Digits"),
        };
    }

    internal static SplitBehavior Behavior(ConfigNode node, SplitBehavior fallback)
    {
        var value = node.Optional("behavior");
        if (value is null) return fallback;
        return value.Value.String() switch
        {
            "Removed" => SplitBehavior.Removed,
            "Isolated" => SplitBehavior.Isolated,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            var b => throw value.Value.Error($"unknown split behavior '{b}'; use Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous"),
        };
    }

    /// <summary>BERT's punctuation: ASCII symbol ranges or any Unicode punctuation category.</summary>
    internal static bool IsPunctuation(char c) => c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~')
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.ConnectorPunctuation or System.Globalization.UnicodeCategory.DashPunctuation
            or System.Globalization.UnicodeCategory.OpenPunctuation or System.Globalization.UnicodeCategory.ClosePunctuation
            or System.Globalization.UnicodeCategory.InitialQuotePunctuation or System.Globalization.UnicodeCategory.FinalQuotePunctuation
            or System.Globalization.UnicodeCategory.OtherPunctuation;
}

internal sealed class PreTokenizerSequence(PreTokenizer[] steps) : PreTokenizer
{
    public IReadOnlyList<PreTokenizer> Steps => steps;

    public override void Apply(List<Piece> pieces)
    {
        foreach (var step in steps) step.Apply(pieces);
    }
}

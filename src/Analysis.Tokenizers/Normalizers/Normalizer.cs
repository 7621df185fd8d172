using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Normalizers;

/// <summary>A tokenizer.json normalizer: rewrites text while keeping every unit aligned to the original.</summary>
internal abstract class Normalizer
{
    public abstract AlignedText Normalize(Piece input);

    public static Normalizer Create(ConfigNode node)
    {
        node = node.As("normalizer");
        return node.Type() switch
        {
            "Sequence" => new NormalizerSequence([.. node.Required("normalizers").Items().Select(Create)]),
            "NFC" => new UnicodeForm(System.Text.NormalizationForm.FormC),
            "NFD" => new UnicodeForm(System.Text.NormalizationForm.FormD),
            "NFKC" => new UnicodeForm(System.Text.NormalizationForm.FormKC),
            "NFKD" => new UnicodeForm(System.Text.NormalizationForm.FormKD),
            "Lowercase" => new Lowercase(),
            "StripAccents" => new StripAccents(),
            "Strip" => new Strip(node.OptionalBool("strip_left", true), node.OptionalBool("strip_right", true)),
            "Replace" => new Replace(node),
            "Prepend" => new Prepend(node.Required("prepend").String()),
            "BertNormalizer" => new BertNormalizer(node.OptionalBool("clean_text", true), node.OptionalBool("handle_chinese_chars", true),
                node.Optional("strip_accents")?.Bool(), node.OptionalBool("lowercase", true)),
            "Precompiled" => new Precompiled(node),
            var t => throw node.Error($"unknown normalizer type '{t}'; supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Replace, Prepend, BertNormalizer, Precompiled"),
        };
    }

    /// <summary>Rewrites each character (code point) of the input independently; output units span that character.</summary>
    protected static AlignedText MapRunes(Piece input, Action<System.Text.Rune, AlignedBuilder, int, int> map)
    {
        var builder = new AlignedBuilder(input.Length + 8);
        var text = input.Chars;
        for (var i = 0; i < text.Length;)
        {
            var status = System.Text.Rune.DecodeFromUtf16(text[i..], out var rune, out var used);
            if (status != System.Buffers.OperationStatus.Done) rune = System.Text.Rune.ReplacementChar;
            var k = input.Start + i;
            map(rune, builder, input.Source.Starts[k], input.Source.Ends[k + used - 1]);
            i += used;
        }
        return builder.Build();
    }

    protected static void AppendRune(AlignedBuilder builder, System.Text.Rune rune, int start, int end)
    {
        Span<char> buffer = stackalloc char[2];
        builder.Append(buffer[..rune.EncodeToUtf16(buffer)], start, end);
    }
}

internal sealed class NormalizerSequence(Normalizer[] steps) : Normalizer
{
    public override AlignedText Normalize(Piece input)
    {
        foreach (var step in steps) input = step.Normalize(input).All;
        return input.Source.Length == input.Length ? input.Source : input.Detach();
    }
}

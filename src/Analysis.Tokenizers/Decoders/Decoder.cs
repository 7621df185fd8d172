using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Decoders;

/// <summary>A tokenizer.json decoder: rewrites the list of token strings; the result is their concatenation.</summary>
internal abstract class Decoder
{
    public abstract List<string> Decode(List<string> tokens);

    public static Decoder Create(ConfigNode node)
    {
        node = node.As("decoder");
        return node.Type() switch
        {
            "Sequence" => new DecoderSequence([.. node.Required("decoders").Items().Select(Create)]),
            "ByteLevel" => new ByteLevelDecoder(),
            "Metaspace" => new MetaspaceDecoder(node.Required("replacement").String(),
                (node.OptionalString("prepend_scheme") ?? (node.OptionalBool("add_prefix_space", true) ? "always" : "never")) != "never"),
            "WordPiece" => new WordPieceDecoder(node.OptionalString("prefix") ?? "##", node.OptionalBool("cleanup", true)),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Strip" => new StripDecoder(node.Required("content").String(), node.OptionalInt("start") ?? 0, node.OptionalInt("stop") ?? 0),
            "Replace" => new ReplaceDecoder(node),
            var t => throw node.Error($"unknown decoder type '{t}'; supported: Sequence, ByteLevel, Metaspace, WordPiece, ByteFallback, Fuse, Strip, Replace"),
        };
    }
}

using System.Text;
using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.PreTokenizers;
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

internal sealed class DecoderSequence(Decoder[] steps) : Decoder
{
    public override List<string> Decode(List<string> tokens)
    {
        foreach (var step in steps) tokens = step.Decode(tokens);
        return tokens;
    }
}

/// <summary>Byte-level characters back to bytes, then UTF-8 (invalid sequences become U+FFFD).</summary>
internal sealed class ByteLevelDecoder : Decoder
{
    public override List<string> Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            var start = bytes.Count;
            var ok = true;
            foreach (var c in token)
            {
                if (ByteAlphabet.TryByte(c, out var b)) bytes.Add(b);
                else { ok = false; break; }
            }
            if (!ok) { bytes.RemoveRange(start, bytes.Count - start); bytes.AddRange(Encoding.UTF8.GetBytes(token)); }
        }
        return [Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes))];
    }
}

/// <summary>▁ back to spaces; the first token loses its leading space when a prefix was added.</summary>
internal sealed class MetaspaceDecoder(string replacement, bool prefixAdded) : Decoder
{
    public override List<string> Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i].Replace(replacement, " ", StringComparison.Ordinal);
            if (i == 0 && prefixAdded && t.StartsWith(' ')) t = t[1..];
            result.Add(t);
        }
        return result;
    }
}

/// <summary>WordPiece: glue ## continuations, space-separate words, then the reference's cleanup of spaces before punctuation.</summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : Decoder
{
    public override List<string> Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (i > 0) t = t.StartsWith(prefix, StringComparison.Ordinal) ? t[prefix.Length..] : " " + t;
            if (cleanup) t = Cleanup(t);
            result.Add(t);
        }
        return result;
    }

    internal static string Cleanup(string s) => s.Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",")
        .Replace(" ' ", "'").Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" do not", " don't").Replace(" 's", "'s")
        .Replace(" 've", "'ve").Replace(" 're", "'re");
}

/// <summary>Runs of &lt;0xXX&gt; tokens become their UTF-8 text, or one U+FFFD per byte when invalid.</summary>
internal sealed class ByteFallbackDecoder : Decoder
{
    private static readonly UTF8Encoding Strict = new(false, true);

    public override List<string> Decode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        void Flush()
        {
            if (bytes.Count == 0) return;
            try { result.Add(Strict.GetString(bytes.ToArray())); }
            catch (DecoderFallbackException) { for (var i = 0; i < bytes.Count; i++) result.Add("\uFFFD"); }
            bytes.Clear();
        }
        foreach (var t in tokens)
        {
            if (t.Length == 6 && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>'
                && byte.TryParse(t.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b)) bytes.Add(b);
            else { Flush(); result.Add(t); }
        }
        Flush();
        return result;
    }
}

internal sealed class FuseDecoder : Decoder
{
    public override List<string> Decode(List<string> tokens) => [string.Concat(tokens)];
}

/// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing copies of a character from each token.</summary>
internal sealed class StripDecoder(string content, int start, int stop) : Decoder
{
    public override List<string> Decode(List<string> tokens) => tokens.Select(t =>
    {
        var s = 0;
        var e = t.Length;
        for (var i = 0; i < start && t.AsSpan(s).StartsWith(content, StringComparison.Ordinal); i++) s += content.Length;
        for (var i = 0; i < stop && e - content.Length >= s && t.AsSpan(s, e - s).EndsWith(content, StringComparison.Ordinal); i++) e -= content.Length;
        return t[s..e];
    }).ToList();
}

internal sealed class ReplaceDecoder : Decoder
{
    private readonly PatternRegex _pattern;
    private readonly string _content;

    public ReplaceDecoder(ConfigNode node)
    {
        var (text, isRegex) = node.Required("pattern").Pattern();
        _pattern = Normalizers.Replace.Compile(node.Required("pattern"), text, isRegex);
        _content = node.Required("content").String();
    }

    public override List<string> Decode(List<string> tokens)
    {
        var matches = new List<(int Start, int End)>();
        return tokens.Select(t =>
        {
            matches.Clear();
            _pattern.Matches(t, matches);
            if (matches.Count == 0) return t;
            var sb = new StringBuilder(t.Length);
            var at = 0;
            foreach (var (s, e) in matches) { sb.Append(t, at, s - at).Append(_content); at = e; }
            return sb.Append(t, at, t.Length - at).ToString();
        }).ToList();
    }
}

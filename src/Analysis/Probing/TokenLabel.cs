namespace Analysis.Probing;

/// <summary>
/// Labels derived from a token itself, so spelling probes need no labeled data.
/// Specs: token:first-char, token:last-char, token:char@K (0-based), token:length, token:is-digit, token:is-alpha, token:is-upper.
/// They read the token's own text — its span of the source text, exact for every tokenizer (<see cref="DerivedLabels"/>) —
/// with surrounding whitespace trimmed and, with fold-case, lower-cased; a token too short for char@K gets "∅".
/// </summary>
public sealed class TokenLabel
{
    private readonly Func<string, string> _derive;

    private TokenLabel(string spec, bool foldCase, Func<string, string> derive) => (Spec, FoldCase, _derive) = (spec, foldCase, derive);

    /// <summary>The spec it was parsed from.</summary>
    public string Spec { get; }

    /// <summary>Whether text is lower-cased (invariant culture) before the label is taken, as the spelling papers do.</summary>
    public bool FoldCase { get; }

    /// <summary>The label of a token's text (its span of the source text).</summary>
    public string Of(string text) => _derive(Normalize(text));

    /// <summary>The text a label is taken from: whitespace trimmed, case folded when asked; empty means the token has no text.</summary>
    public string Normalize(string text)
    {
        var t = text.Trim();
        return FoldCase ? t.ToLowerInvariant() : t;
    }

    /// <summary>Parses a spec such as "token:char@2".</summary>
    public static TokenLabel Parse(string spec, bool foldCase = false)
    {
        const string prefix = "token:";
        var kind = spec.StartsWith(prefix, StringComparison.Ordinal) ? spec[prefix.Length..] : spec;
        Func<string, string>? derive = kind switch
        {
            "first-char" => t => t.Length > 0 ? FirstTextElement(t) : "∅",
            "last-char" => t => t.Length > 0 ? LastTextElement(t) : "∅",
            "length" => t => new System.Globalization.StringInfo(t).LengthInTextElements.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "is-digit" => t => (t.Length > 0 && t.All(char.IsDigit)) ? "true" : "false",
            "is-alpha" => t => (t.Length > 0 && t.All(char.IsLetter)) ? "true" : "false",
            "is-upper" => t => (t.Length > 0 && char.IsUpper(t[0])) ? "true" : "false",
            _ when kind.StartsWith("char@", StringComparison.Ordinal) && int.TryParse(kind[5..], out var k) && k >= 0 =>
                t => new System.Globalization.StringInfo(t) is var info && k < info.LengthInTextElements ? info.SubstringByTextElements(k, 1) : "∅",
            _ => null,
        };
        return derive is null
            ? throw new BadInputException($"Unknown token label '{spec}'; use token:first-char, token:last-char, token:char@K, token:length, token:is-digit, token:is-alpha or token:is-upper.")
            : new TokenLabel(spec, foldCase, derive);
    }

    /// <summary>
    /// A tokenizer's token string as text, for datasets without a token_text column: word-boundary markers (space,
    /// SentencePiece '▁', GPT-2 'Ġ') and WordPiece's '##' continuation prefix stripped. Inexact (byte-level pieces, lower-cased
    /// vocabularies); <see cref="DerivedLabels"/> says when it had to be used.
    /// </summary>
    public static string TokenStringText(string token)
    {
        var t = token.AsSpan();
        if (t.Length > 2 && t.StartsWith("##", StringComparison.Ordinal)) t = t[2..];
        while (t.Length > 0 && (t[0] == ' ' || t[0] == '▁' || t[0] == 'Ġ')) t = t[1..];
        return t.ToString();
    }

    // A user-perceived character: "é" written as e + combining accent, or an emoji's surrogate pair, is one class.
    private static string FirstTextElement(string t) => t[..System.Globalization.StringInfo.GetNextTextElementLength(t)];

    private static string LastTextElement(string t)
    {
        var info = new System.Globalization.StringInfo(t);
        return info.SubstringByTextElements(info.LengthInTextElements - 1);
    }
}

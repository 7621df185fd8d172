namespace Analysis.Probing;

/// <summary>
/// Labels derived from the token string itself, so spelling probes need no labeled data.
/// Specs: token:first-char, token:last-char, token:char@K (0-based), token:length, token:is-digit, token:is-alpha, token:is-upper.
/// A leading word-boundary marker (space, SentencePiece '▁', GPT-2 'Ġ') is stripped first; a token too short for char@K gets "∅".
/// </summary>
public sealed class TokenLabel
{
    private readonly Func<string, string> _derive;

    private TokenLabel(string spec, Func<string, string> derive) => (Spec, _derive) = (spec, derive);

    /// <summary>The spec it was parsed from.</summary>
    public string Spec { get; }

    /// <summary>The label of one token string.</summary>
    public string Of(string token) => _derive(StripBoundary(token));

    /// <summary>Parses a spec such as "token:char@2".</summary>
    public static TokenLabel Parse(string spec)
    {
        const string prefix = "token:";
        var kind = spec.StartsWith(prefix, StringComparison.Ordinal) ? spec[prefix.Length..] : spec;
        Func<string, string>? derive = kind switch
        {
            "first-char" => t => t.Length > 0 ? t[..1] : "∅",
            "last-char" => t => t.Length > 0 ? t[^1..] : "∅",
            "length" => t => t.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "is-digit" => t => (t.Length > 0 && t.All(char.IsDigit)) ? "true" : "false",
            "is-alpha" => t => (t.Length > 0 && t.All(char.IsLetter)) ? "true" : "false",
            "is-upper" => t => (t.Length > 0 && char.IsUpper(t[0])) ? "true" : "false",
            _ when kind.StartsWith("char@", StringComparison.Ordinal) && int.TryParse(kind[5..], out var k) && k >= 0 =>
                t => k < t.Length ? t.Substring(k, 1) : "∅",
            _ => null,
        };
        return derive is null
            ? throw new BadInputException($"Unknown token label '{spec}'; use token:first-char, token:last-char, token:char@K, token:length, token:is-digit, token:is-alpha or token:is-upper.")
            : new TokenLabel(spec, derive);
    }

    private static string StripBoundary(string token)
    {
        var t = token.AsSpan();
        while (t.Length > 0 && (t[0] == ' ' || t[0] == '▁' || t[0] == 'Ġ')) t = t[1..];
        return t.ToString();
    }
}

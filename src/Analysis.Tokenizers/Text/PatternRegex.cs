using System.Buffers;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Analysis.Tokenizers.Text;

/// <summary>
/// A tokenizer.json regex (Oniguruma syntax) compiled for .NET. Oniguruma matches code points, .NET matches UTF-16
/// units, so text with surrogate pairs is matched through a stand-in string with one BMP character of the same
/// Unicode category per code point (\p{L}, \p{N}, \s and negated classes then see what Oniguruma sees), and match
/// positions are mapped back.
/// </summary>
internal sealed class PatternRegex
{
    private static readonly char[] StandIns = BuildStandIns();
    private readonly Regex _regex;

    // The timeout turns a pathological user pattern into an exception instead of a hang.
    public PatternRegex(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
    }

    /// <summary>The pattern as written in the tokenizer file.</summary>
    public string Pattern { get; }

    public static PatternRegex Literal(string text) => new(Regex.Escape(text));

    /// <summary>Appends the non-empty matches of <paramref name="text"/> as (start, end) pairs.</summary>
    public void Matches(ReadOnlySpan<char> text, List<(int Start, int End)> output)
    {
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            foreach (var m in _regex.EnumerateMatches(text))
                if (m.Length > 0) output.Add((m.Index, m.Index + m.Length));
            return;
        }
        var proxy = ArrayPool<char>.Shared.Rent(text.Length);
        var map = ArrayPool<int>.Shared.Rent(text.Length + 1);
        var n = 0;
        for (var i = 0; i < text.Length; n++)
        {
            map[n] = i;
            if (i + 1 < text.Length && char.IsSurrogatePair(text[i], text[i + 1]))
            {
                proxy[n] = StandIns[(int)CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))];
                i += 2;
            }
            else proxy[n] = text[i++];
        }
        map[n] = text.Length;
        foreach (var m in _regex.EnumerateMatches(proxy.AsSpan(0, n)))
            if (m.Length > 0) output.Add((map[m.Index], map[m.Index + m.Length]));
        ArrayPool<char>.Shared.Return(proxy);
        ArrayPool<int>.Shared.Return(map);
    }

    // One BMP character per Unicode category, chosen outside ASCII so pattern literals never collide with it.
    private static char[] BuildStandIns()
    {
        var table = new char[32];
        for (var c = 0xFFFF; c >= 0x100; c--)
            if (c is < 0xD800 or > 0xDFFF) table[(int)CharUnicodeInfo.GetUnicodeCategory((char)c)] = (char)c;
        table[(int)UnicodeCategory.Surrogate] = '\uFFFD';
        return table;
    }
}

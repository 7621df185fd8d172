using System.Text;
using System.Text.RegularExpressions;

namespace Analysis.Onnx;

/// <summary>Glob patterns over canonical hook names: '*' matches within one dot-separated part, '?' one character, '{a,b}' alternatives.</summary>
public static class HookPattern
{
    /// <summary>Whether <paramref name="pattern"/> contains glob syntax.</summary>
    public static bool IsGlob(string pattern) => pattern.IndexOfAny(['*', '?', '{']) >= 0;

    /// <summary>Whether <paramref name="name"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string name) => ToRegex(pattern).IsMatch(name);

    internal static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        var depth = 0;
        foreach (var c in pattern)
        {
            switch (c)
            {
                case '*': regex.Append("[^.]*"); break;
                case '?': regex.Append("[^.]"); break;
                case '{': regex.Append("(?:"); depth++; break;
                case '}' when depth > 0: regex.Append(')'); depth--; break;
                case ',' when depth > 0: regex.Append('|'); break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }
        if (depth != 0) throw new HookPatternException($"Hook pattern '{pattern}' has an unclosed '{{'; write alternatives as {{a,b}}.");
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}

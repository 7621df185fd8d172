using System.Globalization;
using System.Text;

namespace Analysis.Tokenizers.Text;

/// <summary>
/// Hand-written matchers for the two pre-tokenizer regexes nearly every byte-level BPE uses (GPT-2's, and the
/// cl100k / Llama 3 one), giving exactly the matches <see cref="PatternRegex"/> gives — leftmost alternative first,
/// each greedy with its backtracking worked out by hand below — in one pass over the text with no regex engine.
/// Categories are per code point (a surrogate pair is one letter), as Oniguruma and <see cref="PatternRegex"/> see them.
/// </summary>
internal static class PreTokenScanner
{
    internal const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The matcher for a pattern, or null when it is not one of the patterns written out here.</summary>
    public static Action<ReadOnlySpan<char>, List<(int Start, int End)>>? For(string pattern) => pattern switch
    {
        PreTokenizers.ByteLevel.Gpt2Pattern => Gpt2,
        Llama3Pattern => Llama3,
        _ => null,
    };

    private enum Kind : byte { Other, Letter, Number, Space }

    private static readonly Kind[] Ascii = BuildAscii();

    private static Kind[] BuildAscii()
    {
        var kinds = new Kind[128];
        for (var c = 0; c < 128; c++) kinds[c] = Classify((char)c);
        return kinds;
    }

    // \s is [\f\n\r\t\v\x85\p{Z}]; \p{L} and \p{N} are the letter and number categories.
    private static Kind Classify(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => Kind.Space,
        _ => Kind.Other,
    };

    private static Kind Classify(char c) => c is '\f' or '\n' or '\r' or '\t' or '\v' or '\x85' ? Kind.Space : Classify(CharUnicodeInfo.GetUnicodeCategory(c));

    /// <summary>The kind of the code point at <paramref name="i"/> and its length in UTF-16 units (past the end: Other, 0).</summary>
    private static Kind At(ReadOnlySpan<char> t, int i, out int length)
    {
        if (i >= t.Length) { length = 0; return Kind.Other; }
        var c = t[i];
        length = 1;
        if (c < 128) return Ascii[c];
        if (char.IsHighSurrogate(c) && i + 1 < t.Length && char.IsLowSurrogate(t[i + 1]))
        {
            length = 2;
            return Classify(Rune.GetUnicodeCategory(new Rune(c, t[i + 1])));
        }
        return Classify(c);
    }

    private static int Run(ReadOnlySpan<char> t, int i, Kind kind)
    {
        while (At(t, i, out var n) == kind && n > 0) i += n;
        return i;
    }

    private static int Others(ReadOnlySpan<char> t, int i)
    {
        while (i < t.Length && At(t, i, out var n) == Kind.Other) i += n;
        return i;
    }

    // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive, or ASCII case-insensitive: .NET's invariant case folding adds nothing else here)
    private static int Contraction(ReadOnlySpan<char> t, int i, bool ignoreCase)
    {
        if (t[i] != '\'' || i + 1 >= t.Length) return 0;
        char Fold(char c) => ignoreCase && c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
        var a = Fold(t[i + 1]);
        if (a is 's' or 't' or 'm' or 'd') return 2;
        if (i + 2 < t.Length && Fold(t[i + 2]) is var b && ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))) return 3;
        return 0;
    }

    // \s+(?!\S) then \s+: a whitespace run [i, j) is taken whole at the end of the text; before a non-space, all but its
    // last character when it has two or more (that character then leads the next match), else the one character.
    private static int Whitespace(ReadOnlySpan<char> t, int i, int j) => j == t.Length ? j : j - i >= 2 ? j - 1 : j;

    /// <summary>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</summary>
    public static void Gpt2(ReadOnlySpan<char> t, List<(int Start, int End)> output)
    {
        for (var i = 0; i < t.Length;)
        {
            var end = Gpt2At(t, i);
            output.Add((i, end));
            i = end;
        }
    }

    private static int Gpt2At(ReadOnlySpan<char> t, int i)
    {
        if (Contraction(t, i, ignoreCase: false) is > 0 and var c) return i + c;
        var kind = At(t, i, out var n);
        var start = i;
        if (t[i] == ' ' && i + 1 < t.Length)
        {
            var next = At(t, i + 1, out _);
            if (next is Kind.Letter or Kind.Number or Kind.Other) { kind = next; start = i + 1; }
        }
        switch (kind)
        {
            case Kind.Letter:
            case Kind.Number: return Run(t, start, kind);
            case Kind.Other: return Others(t, start);
            default: return Whitespace(t, i, Run(t, i + n, Kind.Space));
        }
    }

    /// <summary>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</summary>
    public static void Llama3(ReadOnlySpan<char> t, List<(int Start, int End)> output)
    {
        for (var i = 0; i < t.Length;)
        {
            var end = Llama3At(t, i);
            output.Add((i, end));
            i = end;
        }
    }

    private static int Llama3At(ReadOnlySpan<char> t, int i)
    {
        if (Contraction(t, i, ignoreCase: true) is > 0 and var c) return i + c;
        var kind = At(t, i, out var n);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (kind == Kind.Letter) return Run(t, i, Kind.Letter);
        if (kind != Kind.Number && t[i] is not ('\r' or '\n') && At(t, i + n, out _) == Kind.Letter) return Run(t, i + n, Kind.Letter);
        // \p{N}{1,3}
        if (kind == Kind.Number)
        {
            var j = i + n;
            for (var count = 1; count < 3 && At(t, j, out var m) == Kind.Number; count++) j += m;
            return j;
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        var other = kind == Kind.Other ? i : t[i] == ' ' && At(t, i + 1, out _) == Kind.Other ? i + 1 : -1;
        if (other >= 0)
        {
            var j = Others(t, other);
            while (j < t.Length && t[j] is '\r' or '\n') j++;
            return j;
        }
        // Whitespace from here on: \s*[\r\n]+ ends just after the run's last \r or \n, if it has one.
        var runEnd = Run(t, i + n, Kind.Space);
        for (var k = runEnd - 1; k >= i; k--)
            if (t[k] is '\r' or '\n') return k + 1;
        return Whitespace(t, i, runEnd);
    }
}

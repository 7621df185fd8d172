namespace Analysis.Extraction.Sources;

/// <summary>
/// Converts between UTF-16 indices (.NET strings, our tokenizers' offsets) and Unicode code point indices
/// (Python's str indices, which the activation dataset's char_start/char_end use so pandas users can slice text directly).
/// </summary>
public static class CodePoints
{
    /// <summary>The code point index of UTF-16 index <paramref name="utf16Index"/> in <paramref name="text"/>.</summary>
    public static int FromUtf16(string text, int utf16Index)
    {
        int surrogatePairs = 0;
        int limit = Math.Min(utf16Index, text.Length);
        for (int i = 0; i < limit; i++)
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { surrogatePairs++; i++; }
        return utf16Index - surrogatePairs;
    }

    /// <summary>The UTF-16 index of code point index <paramref name="codePointIndex"/>; throws if past the end.</summary>
    public static int ToUtf16(string text, int codePointIndex)
    {
        int i = 0;
        for (int cp = 0; cp < codePointIndex; cp++)
        {
            if (i >= text.Length) throw new ArgumentOutOfRangeException(nameof(codePointIndex), $"Character offset {codePointIndex} is past the end of a text of {FromUtf16(text, text.Length)} characters.");
            i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
        }
        return i;
    }

    /// <summary>Whether every character of <paramref name="text"/> is one UTF-16 unit, so both indexings agree.</summary>
    public static bool IsBmpOnly(string text) => !text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF');
}

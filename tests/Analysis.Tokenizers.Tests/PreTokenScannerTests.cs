using Analysis.Tokenizers.PreTokenizers;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers.Tests;

/// <summary>The hand-written GPT-2 and Llama 3 pre-token scanners give exactly the regex's matches.</summary>
public class PreTokenScannerTests
{
    public static TheoryData<string> Patterns => new() { ByteLevel.Gpt2Pattern, PreTokenScanner.Llama3Pattern };

    private static readonly Dictionary<string, PatternRegex> Compiled = [];

    private static void AssertSame(string pattern, string text)
    {
        PatternRegex regex;
        lock (Compiled) if (!Compiled.TryGetValue(pattern, out regex!)) Compiled[pattern] = regex = new PatternRegex(pattern);
        var expected = new List<(int, int)>();
        regex.Matches(text, expected);
        var actual = new List<(int, int)>();
        PreTokenScanner.For(pattern)!(text, actual);
        Assert.True(expected.SequenceEqual(actual),
            $"{System.Text.Json.JsonSerializer.Serialize(text)}: regex {string.Join(" ", expected)} vs scanner {string.Join(" ", actual)}");
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Scanner_equals_the_regex_on_the_golden_corpus(string pattern)
    {
        foreach (var line in TestData.Corpus) AssertSame(pattern, line);
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Scanner_equals_the_regex_on_random_strings_of_tricky_characters(string pattern)
    {
        // Every class the patterns tell apart: contractions in both cases, \r \n and other spaces (U+0085, U+2028, U+3000),
        // letters and numbers in and out of the BMP, lone surrogates, punctuation, the long s that case folding could confuse.
        string[] pool = ["'", "s", "S", "t", "re", "VE", "m", "ll", "D", "ſ", "a", "Z", "é", "\u0301", "1", "٣", "Ⅻ", "½", " ", "  ", "\t", "\r", "\n", "\r\n",
            "\u0085", "\u2028", "\u3000", "\u00A0", "\v", "\f", ".", "!", "\"", "-", "😀", "𝐀", "𝟙", "\uD800", "\uDC00", "中", "ー", "_", "$"];
        var rng = new Random(7);
        for (var n = 0; n < 20_000; n++)
        {
            var parts = Enumerable.Range(0, rng.Next(1, 12)).Select(_ => pool[rng.Next(pool.Length)]);
            AssertSame(pattern, string.Concat(parts));
        }
    }

    [Fact]
    public void Other_patterns_have_no_scanner() => Assert.Null(PreTokenScanner.For(@"\s+|\w+"));
}

using Analysis.Datasets;

namespace Analysis.Probing;

/// <summary>
/// Labels derived from each row's token (<see cref="TokenLabel"/>), the rows that have one, and how many were skipped.
/// The text is the token's own span of the source text (the dataset's token_text column), so [CLS], "##ing" or "Ġthe"
/// never become classes of their own; special tokens and empty (or whitespace-only) spans are skipped unless kept.
/// </summary>
public sealed record DerivedLabels(string[] Labels, int[] Rows, int SkippedSpecial, int SkippedEmpty, string Source)
{
    /// <summary>The column extraction writes with each token's span of the source text.</summary>
    public const string TextColumn = "token_text";

    /// <summary>The column extraction writes with whether a token is special (BOS, [CLS], [SEP], &lt;|endoftext|&gt;).</summary>
    public const string SpecialColumn = "special";

    /// <summary>Derives the labels of a table's rows; keepSpecial keeps special tokens and empty spans (labelled "∅").</summary>
    public static DerivedLabels Read(ActivationTable table, TokenLabel rule, string tokenColumn, bool keepSpecial = false)
    {
        var columns = table.Columns;
        string[] texts;
        bool[] special;
        string source;
        if (columns.Contains(TextColumn))
        {
            texts = table.ReadStrings(TextColumn);
            special = columns.Contains(SpecialColumn)
                ? table.ReadStrings(SpecialColumn).Select(s => s.Equals("true", StringComparison.OrdinalIgnoreCase)).ToArray()
                : new bool[texts.Length];
            source = "each token's span of the source text (token_text)";
        }
        else if (columns.Contains(tokenColumn))
        {
            texts = table.ReadStrings(tokenColumn).Select(TokenLabel.TokenStringText).ToArray();
            // Without token_text, an empty character span is the best sign of a token the tokenizer added.
            special = columns.Contains("char_start") && columns.Contains("char_end")
                ? table.ReadStrings("char_start").Zip(table.ReadStrings("char_end"), (s, e) => s == e).ToArray()
                : new bool[texts.Length];
            source = $"the token string ({tokenColumn}) with boundary markers stripped: the dataset has no token_text column, so labels " +
                     "are inexact for byte-level and lower-cased vocabularies; re-extract for labels from the source text";
        }
        else throw new BadInputException($"--label-from needs a token_text or '{tokenColumn}' column, which {table.Path} does not have; pass --token-column or re-extract the dataset.");

        var labels = new List<string>(texts.Length);
        var rows = new List<int>(texts.Length);
        int skippedSpecial = 0, skippedEmpty = 0;
        for (var i = 0; i < texts.Length; i++)
        {
            if (!keepSpecial && special[i]) { skippedSpecial++; continue; }
            if (!keepSpecial && rule.Normalize(texts[i]).Length == 0) { skippedEmpty++; continue; }
            labels.Add(rule.Of(texts[i]));
            rows.Add(i);
        }
        return new DerivedLabels([.. labels], [.. rows], skippedSpecial, skippedEmpty, source);
    }
}

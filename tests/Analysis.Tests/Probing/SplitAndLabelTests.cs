using Analysis.Probing;

namespace Analysis.Tests.Probing;

public class SplitAndLabelTests
{
    [Fact]
    public void Random_split_partitions_all_rows_and_depends_on_seed()
    {
        var a = DataSplit.Random(1000, seed: 1);
        Assert.Equal(Enumerable.Range(0, 1000), a.Train.Concat(a.Validation).Concat(a.Test).Order());
        Assert.Equal(200, a.Test.Length);
        Assert.Equal(100, a.Validation.Length);
        Assert.NotEqual(a.Test, DataSplit.Random(1000, seed: 2).Test);
        Assert.Equal(a.Test, DataSplit.Random(1000, seed: 1).Test);
    }

    [Fact]
    public void Grouped_split_never_puts_a_group_on_both_sides()
    {
        var groups = Enumerable.Range(0, 3000).Select(i => "w" + (i * 7919 % 97)).ToArray();
        var s = DataSplit.Grouped(groups, seed: 4);
        var train = s.Train.Select(i => groups[i]).ToHashSet();
        Assert.DoesNotContain(s.Test, i => train.Contains(groups[i]));
        Assert.DoesNotContain(s.Validation, i => train.Contains(groups[i]));
        Assert.Equal(3000, s.Train.Length + s.Validation.Length + s.Test.Length);
        Assert.InRange(s.Test.Length, 550, 700);
    }

    [Theory]
    [InlineData("token:first-char", " hello", "h")]
    [InlineData("token:first-char", "World", "W")]
    [InlineData("token:last-char", " cat", "t")]
    [InlineData("token:char@2", "abc", "c")]
    [InlineData("token:char@5", "abc", "∅")]
    [InlineData("token:length", " four", "4")]
    [InlineData("token:is-digit", "347", "true")]
    [InlineData("token:is-digit", "3a", "false")]
    [InlineData("token:is-upper", " abc", "false")]
    [InlineData("token:first-char", "e\u0301t\u00e9", "e\u0301")]   // a combining accent stays with its letter
    public void Token_labels_come_from_the_token_text(string spec, string text, string expected) =>
        Assert.Equal(expected, TokenLabel.Parse(spec).Of(text));

    [Fact]
    public void Fold_case_lower_cases_before_the_label_is_taken()
    {
        Assert.Equal("h", TokenLabel.Parse("token:first-char", foldCase: true).Of(" Hello"));
        Assert.Equal("H", TokenLabel.Parse("token:first-char").Of(" Hello"));
    }

    [Theory]
    [InlineData("Ġhello", "hello")]
    [InlineData("▁World", "World")]
    [InlineData("##ing", "ing")]
    [InlineData("#", "#")]
    [InlineData("##", "##")]
    public void Token_strings_lose_boundary_markers_when_no_span_text_exists(string token, string expected) =>
        Assert.Equal(expected, TokenLabel.TokenStringText(token));

    [Fact]
    public void Unknown_token_label_says_which_exist() =>
        Assert.Contains("token:first-char", Assert.Throws<BadInputException>(() => TokenLabel.Parse("token:vowels")).Message);
}

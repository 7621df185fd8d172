using System.Text.Json;

namespace Analysis.Tokenizers.Tests;

/// <summary>Truncation and padding against the Rust reference's encodeBatch (Golden/batches.jsonl).</summary>
public class BatchTests
{
    private sealed record BatchRow(string name, string truncation, string padding, int max_length, int pad_id, int[][] ids, int[][] attention_mask, int[][][] offsets);

    public static TheoryData<int> Rows => new() { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Truncation_and_padding_match_the_reference(int row)
    {
        var golden = File.ReadLines(Path.Combine(TestData.Dir, "Golden", "batches.jsonl")).Select(l => JsonSerializer.Deserialize<BatchRow>(l)!).ToArray()[row];
        var texts = TestData.Corpus[13..45];
        var tokenizer = TestData.Load(golden.name);
        var side = (string s) => s == "left" ? Side.Left : Side.Right;
        var batch = tokenizer.EncodeBatch(texts, new BatchOptions(MaxLength: golden.max_length, Truncation: side(golden.truncation), Padding: side(golden.padding), PadId: golden.pad_id));
        Assert.Equal(texts.Length, batch.Count);
        Assert.Equal(golden.ids[0].Length, batch.Length);
        for (var r = 0; r < texts.Length; r++)
        {
            Assert.Equal(golden.ids[r].Select(i => (long)i), batch.Ids.AsSpan(r * batch.Length, batch.Length).ToArray());
            Assert.Equal(golden.attention_mask[r].Select(i => (long)i), batch.AttentionMask.AsSpan(r * batch.Length, batch.Length).ToArray());
            var real = golden.attention_mask[r].Select((m, i) => (m, i)).Where(x => x.m == 1).Select(x => new TokenOffset(golden.offsets[r][x.i][0], golden.offsets[r][x.i][1]));
            Assert.Equal(real, batch.Rows[r].Offsets);
        }
    }

    [Fact]
    public void Pad_to_max_length_and_left_padding_positions()
    {
        var tokenizer = TestData.Load("gpt2");
        var batch = tokenizer.EncodeBatch(["Hello world", "a"], new BatchOptions(MaxLength: 6, Padding: Side.Left, PadToMaxLength: true, PadId: 50256));
        Assert.Equal(6, batch.Length);
        Assert.Equal(new long[] { 50256, 50256, 50256, 50256, 15496, 995, 50256, 50256, 50256, 50256, 50256, 64 }, batch.Ids);
        Assert.Equal([4, 5], batch.Positions);
    }

    [Theory]
    [InlineData("tok512")]
    [InlineData("llama3")]
    [InlineData("t5")]
    public void Truncation_keeps_special_tokens_and_cuts_content_from_the_chosen_side(string name)
    {
        var tokenizer = TestData.Load(name);
        const string text = "Once upon a time, there was a little girl named Lily who loved to play outside.";
        var full = tokenizer.Encode(text);
        var content = tokenizer.Encode(text, addSpecialTokens: false);
        var specials = full.Count - content.Count;
        var right = tokenizer.Encode(text, true, specials + 5, Side.Right);
        var left = tokenizer.Encode(text, true, specials + 5, Side.Left);
        Assert.Equal(specials + 5, right.Count);
        Assert.Equal(content.Ids[..5], right.Ids.Where((_, i) => !right.SpecialTokensMask[i]));
        Assert.Equal(content.Ids[^5..], left.Ids.Where((_, i) => !left.SpecialTokensMask[i]));
        Assert.Equal(content.Offsets[^5..], left.Offsets.Where((_, i) => !left.SpecialTokensMask[i]));
    }

    [Fact]
    public void Parallel_batches_equal_one_by_one_encoding()
    {
        foreach (var name in new[] { "gpt2", "bert-minilm", "t5", "tok512" })
        {
            var tokenizer = TestData.Load(name);
            var batch = tokenizer.EncodeBatch(TestData.Corpus);
            for (var i = 0; i < TestData.Corpus.Length; i++)
                Assert.Equal(tokenizer.Encode(TestData.Corpus[i]).Ids, batch.Rows[i].Ids);
        }
    }

    [Fact]
    public void Invalid_batch_options_are_rejected_with_argument_errors()
    {
        var tokenizer = TestData.Load("gpt2");
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodeBatch(["x"], new BatchOptions(MaxLength: 0)));
        Assert.Throws<ArgumentException>(() => tokenizer.EncodeBatch(["x"], new BatchOptions(PadToMaxLength: true)));
    }
}

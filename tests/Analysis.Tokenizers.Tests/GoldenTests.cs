using System.Text;

namespace Analysis.Tokenizers.Tests;

/// <summary>
/// Every corpus line against the reference encodings: ids, offsets and special mask from Hugging Face's Rust
/// tokenizers (llama2.c's algorithm for tokenizer.bin), decoded text from the same reference.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string> Names => new() { "gpt2", "llama3", "mistral-sp-bpe", "bert-minilm", "t5", "tok512", "llama2-sp" };
    public static TheoryData<string> JsonNames => new() { "gpt2", "llama3", "mistral-sp-bpe", "bert-minilm", "t5" };

    [Theory]
    [MemberData(nameof(Names))]
    public void Ids_offsets_and_special_mask_match_the_reference_on_every_line(string name)
    {
        var tokenizer = TestData.Load(name);
        var golden = TestData.Golden(name + ".jsonl");
        Assert.Equal(TestData.Corpus.Length, golden.Length);
        var failures = new List<string>();
        int idFailures = 0, offsetFailures = 0;
        for (var i = 0; i < golden.Length; i++)
        {
            var text = TestData.Corpus[i];
            var actual = tokenizer.Encode(text);
            if (!actual.Ids.SequenceEqual(golden[i].Ids))
            {
                idFailures++;
                if (failures.Count < 8) failures.Add($"line {i + 1} {Show(text)}: ids\n  expected {string.Join(',', golden[i].Ids)}\n  actual   {string.Join(',', actual.Ids)}");
                continue;
            }
            var expectedOffsets = golden[i].Offsets!.Select(o => new TokenOffset(o[0], o[1])).ToArray();
            if (!actual.Offsets.SequenceEqual(expectedOffsets) || !actual.SpecialTokensMask.SequenceEqual(golden[i].Special.Select(s => s == 1)))
            {
                offsetFailures++;
                if (failures.Count < 8) failures.Add($"line {i + 1} {Show(text)}: offsets\n  expected {string.Join(' ', expectedOffsets.Select(o => $"{o.Start}-{o.End}"))}\n  actual   {string.Join(' ', actual.Offsets.Select(o => $"{o.Start}-{o.End}"))}");
            }
        }
        Assert.True(failures.Count == 0, $"{name}: {idFailures} id and {offsetFailures} offset/mask mismatches of {golden.Length} lines:\n{string.Join('\n', failures)}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_matches_the_reference_decoder_on_every_line(string name)
    {
        var tokenizer = TestData.Load(name);
        var golden = TestData.Golden(name + ".jsonl");
        var failures = new List<string>();
        var count = 0;
        for (var i = 0; i < golden.Length; i++)
        {
            var decoded = tokenizer.Decode(golden[i].Ids);
            var skipped = tokenizer.Decode(golden[i].Ids, skipSpecialTokens: true);
            if (decoded == golden[i].Decoded && skipped == golden[i].DecodedSkipSpecial) continue;
            count++;
            if (failures.Count < 8) failures.Add($"line {i + 1}: expected {Show(golden[i].Decoded)} / {Show(golden[i].DecodedSkipSpecial!)} actual {Show(decoded)} / {Show(skipped)}");
        }
        Assert.True(count == 0, $"{name}: {count} decode mismatches:\n{string.Join('\n', failures)}");
    }

    [Theory]
    [MemberData(nameof(JsonNames))]
    public void Lone_surrogates_are_handled_like_the_reference(string name)
    {
        var tokenizer = TestData.Load(name);
        foreach (var row in TestData.Golden(name + ".surrogates.jsonl"))
        {
            var text = new string(row.Utf16!.Select(u => (char)u).ToArray());
            var actual = tokenizer.Encode(text);
            Assert.Equal(row.Ids, actual.Ids);
            Assert.Equal(row.Offsets!.Select(o => new TokenOffset(o[0], o[1])), actual.Offsets);
        }
    }

    internal static string Show(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s.Length > 120 ? s[..120] : s) sb.Append(c < ' ' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.Append('"').ToString();
    }
}

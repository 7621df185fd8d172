using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analysis.Tokenizers.Tests;

/// <summary>
/// Pipeline components the six real files do not use, checked on real vocabularies: each variant in
/// Golden/variants.json swaps components of a base tokenizer.json; Golden/variants.jsonl holds the Rust reference's
/// encodings of the first 400 corpus lines through the same edited file.
/// </summary>
public class VariantTests
{
    private static readonly JsonArray Variants = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.Dir, "Golden", "variants.json")))!.AsArray();

    public static TheoryData<string> Names => new(Variants.Select(v => (string)v!["name"]!));

    private static Tokenizer Build(JsonNode variant)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestData.TokenizerPath((string)variant["base"]!)))!.AsObject();
        if (variant["set"] is JsonObject set)
            foreach (var (key, value) in set) json[key] = value?.DeepClone();
        if (variant["model"] is JsonObject model)
        {
            var replacement = (JsonObject)model.DeepClone();
            replacement["vocab"] = json["model"]!["vocab"]!.DeepClone();
            json["model"] = replacement;
        }
        if (variant["model_fields"] is JsonObject fields)
            foreach (var (key, value) in fields) json["model"]![key] = value?.DeepClone();
        var dir = Directory.CreateTempSubdirectory("tokenizer-variant-").FullName;
        try
        {
            var path = Path.Combine(dir, "tokenizer.json");
            File.WriteAllText(path, json.ToJsonString());
            return Tokenizer.Load(path);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Variant_matches_the_reference(string name)
    {
        var tokenizer = Build(Variants.Single(v => (string)v!["name"]! == name)!);
        var rows = File.ReadLines(Path.Combine(TestData.Dir, "Golden", "variants.jsonl"))
            .Select(l => JsonNode.Parse(l)!).Where(r => (string)r["variant"]! == name).ToArray();
        Assert.Equal(400, rows.Length);
        var failures = new List<string>();
        for (var i = 0; i < rows.Length; i++)
        {
            var text = TestData.Corpus[i];
            var golden = rows[i].Deserialize<GoldenRow>()!;
            var actual = tokenizer.Encode(text);
            var offsets = golden.Offsets!.Select(o => new TokenOffset(o[0], o[1]));
            string? problem = null;
            if (!actual.Ids.SequenceEqual(golden.Ids)) problem = $"ids\n  expected {string.Join(',', golden.Ids)}\n  actual   {string.Join(',', actual.Ids)}";
            else if (!actual.Offsets.SequenceEqual(offsets))
                problem = $"offsets\n  expected {string.Join(' ', offsets.Select(o => $"{o.Start}-{o.End}"))}\n  actual   {string.Join(' ', actual.Offsets.Select(o => $"{o.Start}-{o.End}"))}";
            else if (!actual.SpecialTokensMask.SequenceEqual(golden.Special.Select(s => s == 1))) problem = "special mask";
            else if (tokenizer.Decode(golden.Ids) != golden.Decoded) problem = $"decode: expected {GoldenTests.Show(golden.Decoded)} actual {GoldenTests.Show(tokenizer.Decode(golden.Ids))}";
            else if (tokenizer.Decode(golden.Ids, skipSpecialTokens: true) != golden.DecodedSkipSpecial) problem = "decode skipping special tokens";
            if (problem is not null) failures.Add($"line {i + 1} {GoldenTests.Show(text)}: {problem}");
        }
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} of {rows.Length} lines differ:\n{string.Join('\n', failures.Take(6))}");
    }
}

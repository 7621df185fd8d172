using Analysis.Tests.Shared;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Analysis.Tokenizers.Tests;

/// <summary>
/// Mutated real tokenizers (the bundled models' and this suite's, the large ones cut down to their first few hundred
/// tokens so a case runs in milliseconds), with a fixed seed and a fixed budget, are loaded, encode a few texts and decode
/// the ids. Only <see cref="TokenizerFormatException"/> (what <c>TokenizerFormatError</c> builds) may escape; no other
/// exception, no hang, no allocation sized by a number in the file.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    // A longer campaign with another seed: ANALYSIS_FUZZ_SEED, ANALYSIS_FUZZ_CASES, ANALYSIS_FUZZ_SECONDS.
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("ANALYSIS_FUZZ_SEED"), out var s) ? s : 271828;
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("ANALYSIS_FUZZ_SECONDS"), out var t) ? t : 300); // a guard only: the budget ends a run
    /// <summary>The number of cases: fixed, so the same seed runs the same cases on every machine.</summary>
    private static int Budget(int standard) => int.TryParse(Environment.GetEnvironmentVariable("ANALYSIS_FUZZ_CASES"), out var n) ? n : standard;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);
    private const long AllocationBudget = 256L << 20;
    private const int KeptTokens = 600;

    private static readonly string[] Texts =
    [
        "Once upon a time, there was a little cat named Tom.",
        "  Hello,\tworld!\n\nÉtait-ce 3.14159 ou 2,71828? 東京 🙂 naïve café",
        "<s> [CLS] <|begin_of_text|> <unk> </s> [SEP] <pad>",
        "",
        new string('a', 300) + " " + string.Concat(Enumerable.Repeat("ab ", 60)),
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("tokenizer-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<(string Name, string Json, string? Config)> Sources()
    {
        var root = TestData.Root;
        foreach (var model in new[] { "gpt2-tiny", "stories260k", "bert-tiny" })
            yield return Read(Path.Combine(root, "onnx-models", model));
        foreach (var name in new[] { "bert-minilm", "llama3", "mistral-sp-bpe", "t5", "gpt2" })
            yield return Read(Path.Combine(root, "tests", "Analysis.Tokenizers.Tests", "Data", name), shrink: true);
    }

    private static (string, string, string?) Read(string folder, bool shrink = false)
    {
        var json = File.ReadAllText(Path.Combine(folder, "tokenizer.json"));
        var config = Path.Combine(folder, "tokenizer_config.json");
        return (Path.GetFileName(folder), shrink ? Shrink(json) : json, File.Exists(config) ? File.ReadAllText(config) : null);
    }

    /// <summary>The same pipeline with only the first <see cref="KeptTokens"/> tokens and the merges among them.</summary>
    private static string Shrink(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var model = root["model"]!.AsObject();
        if (model["vocab"] is JsonObject vocab)
        {
            var kept = vocab.Where(kv => kv.Value!.GetValue<int>() < KeptTokens).Select(kv => (kv.Key, kv.Value!.GetValue<int>())).ToList();
            var names = kept.Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
            model["vocab"] = new JsonObject(kept.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Item2)));
            if (model["merges"] is JsonArray merges)
            {
                var keptMerges = merges.Where(m => m is JsonValue v && v.GetValue<string>().Split(' ') is [var a, var b] && names.Contains(a) && names.Contains(b) && names.Contains(a + b))
                    .Select(m => m!.DeepClone()).ToArray();
                model["merges"] = new JsonArray(keptMerges);
            }
        }
        else if (model["vocab"] is JsonArray pieces)
        {
            model["vocab"] = new JsonArray(pieces.Take(KeptTokens).Select(p => p!.DeepClone()).ToArray());
        }
        return root.ToJsonString();
    }

    private void Exercise(string json, string? config)
    {
        File.WriteAllText(Path.Combine(_dir, "tokenizer.json"), json);
        var configPath = Path.Combine(_dir, "tokenizer_config.json");
        if (config is null) File.Delete(configPath); else File.WriteAllText(configPath, config);
        var tokenizer = Tokenizer.Load(Path.Combine(_dir, "tokenizer.json"));
        foreach (var text in Texts)
        {
            var encoded = tokenizer.Encode(text);
            tokenizer.Decode(encoded.Ids);
            tokenizer.Decode(encoded.Ids, skipSpecialTokens: true);
            tokenizer.Encode(text, addSpecialTokens: false, maxLength: 5, Side.Left);
        }
        // Every id that names a token decodes (ids may have gaps; those name none).
        var everyId = Enumerable.Range(0, Math.Min(tokenizer.VocabSize, 2000)).Where(id => tokenizer.IdToToken(id) is not null).ToArray();
        tokenizer.Decode(everyId);
        tokenizer.Decode(everyId, skipSpecialTokens: true);
        _ = (tokenizer.BosId, tokenizer.EosId, tokenizer.PadId);
    }

    [Fact]
    public void MutatedTokenizersFailOnlyWithInvalidDataException()
    {
        var sources = Sources().ToArray();
        var runner = new FuzzRunner(e => e is TokenizerFormatException, PerCase, AllocationBudget);
        var rng = new Random(Seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Each source unmutated first: the harness itself must pass on real files.
        foreach (var (name, json, config) in sources) runner.Run($"{name} as is", () => Exercise(json, config));
        Assert.True(runner.Outcomes.GetValueOrDefault("ok") == sources.Length, runner.Distinct());
        var budget = Budget(1000);
        for (var i = 0; i < budget && !runner.Hung && clock.Elapsed < TimeLimit; i++)
        {
            var (name, json, config) = sources[rng.Next(sources.Length)];
            string applied;
            if (config is not null && rng.Next(6) == 0) (config, applied) = (JsonMutator.Mutate(config, rng), "config: ");
            else applied = "";
            string mutated;
            (mutated, var what) = rng.Next(5) == 0 ? TextMutator.Mutate(json, rng) : (JsonMutator.Mutate(json, rng), "json");
            runner.Run($"case {i} ({name}: {applied}{what})", () => Exercise(mutated, config));
        }
        output.WriteLine($"tokenizer fuzz, seed {Seed}: {runner.Summary()} in {clock.Elapsed.TotalSeconds:N1} s");
        Assert.True(runner.Failures.Count == 0, $"{runner.Failures.Count} failures:\n{runner.Distinct()}");
        Assert.True(runner.Cases == budget + sources.Length, $"only {runner.Summary()} within {TimeLimit.TotalSeconds:N0} s");
    }

    [Fact]
    public void MutatedLlama2cFilesFailOnlyWithInvalidDataException()
    {
        var source = File.ReadAllBytes(Path.Combine(TestData.Dir, "Data", "llama2c", "tok512.bin"));
        var runner = new FuzzRunner(e => e is TokenizerFormatException, PerCase, AllocationBudget);
        var rng = new Random(Seed + 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var path = Path.Combine(_dir, "tokenizer.bin");
        var budget = Budget(2000);
        for (var i = 0; i < budget && !runner.Hung && clock.Elapsed < TimeLimit; i++)
        {
            var bytes = (byte[])source.Clone();
            var applied = BinMutator.Mutate(bytes, rng);
            if (rng.Next(10) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            runner.Run($"case {i} (tok512.bin: {applied})", () =>
            {
                File.WriteAllBytes(path, bytes);
                var tokenizer = Tokenizer.Load(path);
                foreach (var text in Texts) tokenizer.Decode(tokenizer.Encode(text).Ids);
            });
        }
        output.WriteLine($"llama2.c tokenizer.bin fuzz, seed {Seed + 2}: {runner.Summary()} in {clock.Elapsed.TotalSeconds:N1} s");
        Assert.True(runner.Failures.Count == 0, $"{runner.Failures.Count} failures:\n{runner.Distinct()}");
        Assert.True(runner.Cases == budget, $"only {runner.Summary()} within {TimeLimit.TotalSeconds:N0} s");
    }
}

/// <summary>Byte edits to llama2.c tokenizer.bin files: flipped bits, random bytes, lengths and max_token_length overwritten.</summary>
internal static class BinMutator
{
    public static string Mutate(byte[] bytes, Random rng)
    {
        var n = 1 + rng.Next(4);
        for (var k = 0; k < n; k++)
        {
            var at = rng.Next(bytes.Length);
            switch (rng.Next(3))
            {
                case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: bytes[at] = (byte)rng.Next(256); break;
                default:
                    if (at + 4 <= bytes.Length) BitConverter.GetBytes(rng.Next(3) switch { 0 => int.MaxValue, 1 => -1, _ => rng.Next(0, 70) }).CopyTo(bytes, at);
                    break;
            }
        }
        return $"{n} byte edits";
    }
}

/// <summary>Edits to the JSON tree: values replaced by other types or absurd numbers, entries removed or duplicated.</summary>
internal static class JsonMutator
{
    private static readonly Func<JsonNode?>[] Values =
    [
        () => null, () => true, () => 0, () => -1, () => 1_000_000_000_000, () => int.MaxValue, () => int.MinValue, () => 2147483648L,
        () => 1.5, () => double.MaxValue, () => "", () => "a", () => "\u0000", () => "<unk>", () => "[UNK]", () => "Ġ", () => "▁",
        () => new JsonArray(), () => new JsonObject(), () => new JsonArray(1, 2), () => new JsonArray("a", 0.5),
        () => new JsonObject { ["type"] = "Sequence" }, () => "BPE", () => "WordPiece", () => "Unigram", () => "WordLevel", () => "\\p{L}+|(",
    ];

    public static string Mutate(string json, Random rng)
    {
        var root = JsonNode.Parse(json)!;
        // Vocabulary entries outnumber everything else: half the edits go to the rest of the file.
        var all = new List<JsonNode>();
        Collect(root, all, skipVocab: rng.Next(2) == 0);
        for (var k = 1 + rng.Next(3); k > 0 && all.Count > 1; k--)
        {
            var node = all[1 + rng.Next(all.Count - 1)];
            var parent = node.Parent;
            if (parent is null) continue;
            switch (rng.Next(4))
            {
                case 0: Remove(node); break;
                case 1 when parent is JsonArray array: array.Add(node.DeepClone()); break;
                case 2 when node is JsonValue v && v.TryGetValue<int>(out var id): node.ReplaceWith(Pick(rng) is { } x ? x : id + rng.Next(-3, 4)); break;
                default: node.ReplaceWith(Pick(rng)); break;
            }
        }
        return root.ToJsonString();
    }

    private static JsonNode? Pick(Random rng) => Values[rng.Next(Values.Length)]();

    private static void Remove(JsonNode node)
    {
        switch (node.Parent)
        {
            case JsonObject o: o.Remove(o.First(kv => ReferenceEquals(kv.Value, node)).Key); break;
            case JsonArray a: a.Remove(node); break;
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> into, bool skipVocab)
    {
        if (node is null) return;
        into.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                    if (!(skipVocab && key is "vocab" or "merges")) Collect(value, into, skipVocab);
                    else if (value is not null) into.Add(value);
                break;
            case JsonArray a:
                foreach (var item in a.ToList()) Collect(item, into, skipVocab);
                break;
        }
    }
}

/// <summary>Edits to the text itself: characters replaced, inserted or removed, and truncation.</summary>
internal static class TextMutator
{
    private const string Characters = "{}[]\",:0-9e.\\ u";

    public static (string, string) Mutate(string json, Random rng)
    {
        var text = new StringBuilder(json);
        var n = 1 + rng.Next(5);
        for (var k = 0; k < n && text.Length > 0; k++)
        {
            var at = rng.Next(text.Length);
            switch (rng.Next(4))
            {
                case 0: text[at] = Characters[rng.Next(Characters.Length)]; break;
                case 1: text.Insert(at, "\\u00"); break;
                case 2: text.Remove(at, Math.Min(text.Length - at, 1 + rng.Next(8))); break;
                default: text.Length = at; break;
            }
        }
        return (text.ToString(), $"{n} text edits");
    }
}

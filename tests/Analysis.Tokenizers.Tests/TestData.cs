using System.Reflection;
using System.Text.Json;

namespace Analysis.Tokenizers.Tests;

/// <summary>Committed test data: tokenizer files under Data/, corpus and reference encodings under Golden/.</summary>
internal static class TestData
{
    public static string Root { get; } = typeof(TestData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Dir => Path.Combine(Root, "tests", "Analysis.Tokenizers.Tests");

    public static string TokenizerPath(string name) => name is "tok512" or "llama2-sp"
        ? Path.Combine(Dir, "Data", "llama2c", name + ".bin")
        : Path.Combine(Dir, "Data", name, "tokenizer.json");

    private static readonly Dictionary<string, Tokenizer> Loaded = [];

    public static Tokenizer Load(string name)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var t)) Loaded[name] = t = Tokenizer.Load(TokenizerPath(name));
            return t;
        }
    }

    public static string[] Corpus { get; } = File.ReadLines(Path.Combine(Dir, "Golden", "corpus.jsonl"))
        .Select(l => JsonSerializer.Deserialize<string>(l)!).ToArray();

    public static GoldenRow[] Golden(string file) => File.ReadLines(Path.Combine(Dir, "Golden", file))
        .Select(l => JsonSerializer.Deserialize<GoldenRow>(l)!).ToArray();
}

/// <summary>One reference encoding (see tools/tokenizer-golden/make-golden.mjs).</summary>
internal sealed record GoldenRow(
    [property: System.Text.Json.Serialization.JsonPropertyName("ids")] int[] Ids,
    [property: System.Text.Json.Serialization.JsonPropertyName("offsets")] int[][]? Offsets,
    [property: System.Text.Json.Serialization.JsonPropertyName("special")] int[] Special,
    [property: System.Text.Json.Serialization.JsonPropertyName("decoded")] string Decoded,
    [property: System.Text.Json.Serialization.JsonPropertyName("decoded_skip_special")] string? DecodedSkipSpecial,
    [property: System.Text.Json.Serialization.JsonPropertyName("js_ids")] int[]? JsIds,
    [property: System.Text.Json.Serialization.JsonPropertyName("utf16")] int[]? Utf16);

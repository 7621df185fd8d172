using System.Text.Json;
using Analysis.Parquet;

namespace Analysis.Cli.Tests;

/// <summary>`analysis sae function-tokens` and `analysis sae absorption`: they run on an SAE trained by `sae train`, and refuse bad input with exit 2, one sentence and no output folder.</summary>
public sealed class SaeFunctionTokensAbsorptionCommandTests
{
    private const string Hook = "blocks.0.hook_resid_post";
    private const int D = 16;
    private static readonly string[] Words = ["apple", "ant", "ball", "bat", "cat", "cup", "the", "and"];

    /// <summary>Word tokens whose activations are a direction per word plus noise, with token_id, token and token_text as extract writes them.</summary>
    private static string Dataset(string dir, int rows, bool tokenIds = true)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(5);
        var directions = Words.Select(_ => Enumerable.Range(0, D).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray()).ToArray();
        var ids = Enumerable.Range(0, rows).Select(_ => rng.Next(Words.Length)).ToArray();
        var x = new float[rows * D];
        for (var i = 0; i < rows; i++) for (var t = 0; t < D; t++) x[i * D + t] = directions[ids[i]][t] + 0.2f * (float)(rng.NextDouble() - 0.5);
        List<ParquetField> fields = [ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.String("token_text"), ParquetField.FloatVector(Hook, D)];
        if (tokenIds) fields.Insert(2, ParquetField.Int32("token_id"));
        using var writer = ParquetWriter.Create(Path.Combine(dir, "part-00000.parquet"), fields);
        writer.WriteInt64("example_id", Enumerable.Range(0, rows).Select(i => (long)(i / 16)).ToArray());
        writer.WriteInt32("position", Enumerable.Range(0, rows).Select(i => i % 16).ToArray());
        if (tokenIds) writer.WriteInt32("token_id", ids);
        writer.WriteStrings("token_text", ids.Select(i => (string?)(" " + Words[i])).ToArray());
        writer.WriteFloatVectors(Hook, x);
        writer.EndBatch();
        writer.Finish();
        return dir;
    }

    [Fact]
    public async Task BothRunOnATrainedSaeAndRefuseBadInput()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-ft-").FullName;
        try
        {
            var data = Dataset(Path.Combine(temp, "acts"), 3000);
            var sae = Path.Combine(temp, "sae");
            var (code, o, e) = await Cli.Run("sae", "train", "--data", data, "--hook", Hook, "--latents", "32", "--k", "2", "--tokens", "20000", "--batch-size", "200", "--lr", "0.003", "-o", sae);
            Assert.True(code == 0, o + e);

            var ft = Path.Combine(temp, "ft");
            (code, o, e) = await Cli.Run("sae", "function-tokens", "--sae", sae, "--data", data, "--out", ft);
            Assert.True(code == 0, o + e);
            Assert.Contains("Top tokens by degree", o);
            var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(ft, "function_tokens.json"))).RootElement;
            Assert.Equal(3000, summary.GetProperty("tokens").GetInt64());
            Assert.True(File.Exists(Path.Combine(ft, "function_token_edges.parquet")));

            var abs = Path.Combine(temp, "abs");
            (code, o, e) = await Cli.Run("sae", "absorption", "--sae", sae, "--data", data, "-o", abs);
            Assert.True(code == 0, o + e);
            Assert.Contains("mean absorption rate", o);
            var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(abs, "absorption.json"))).RootElement;
            Assert.Equal(["a", "b", "c", "t"], result.GetProperty("letters").EnumerateArray().Select(l => l.GetProperty("letter").GetString()));

            var noIds = Dataset(Path.Combine(temp, "no-ids"), 200, tokenIds: false);
            var output = Path.Combine(temp, "out");
            var cases = new (string[] Args, string Expected)[]
            {
                (["sae", "function-tokens", "--sae", sae, "--data", noIds, "-o", output], "no integer token_id column"),
                (["sae", "function-tokens", "--sae", sae, "--data", data, "--hook", "blocks.9.hook_nope", "-o", output], "Hook 'blocks.9.hook_nope' is not in"),
                (["sae", "function-tokens", "--sae", temp, "--data", data, "-o", output], "is not an SAE folder"),
                (["sae", "absorption", "--sae", sae, "--data", data, "--split", "sideways", "-o", output], "Unknown --split 'sideways'"),
                (["sae", "absorption", "--sae", sae, "--data", data, "--test-fraction", "1.5", "-o", output], "--test-fraction"),
                (["sae", "absorption", "--sae", sae, "--data", Path.Combine(temp, "missing"), "-o", output], "missing"),
            };
            foreach (var (args, expected) in cases)
            {
                (code, _, e) = await Cli.Run(args);
                Assert.True(code == 2, $"{string.Join(' ', args)} → {code}: {e}");
                Assert.Contains(expected, e);
                Assert.DoesNotContain("   at ", e);
                Assert.Single(e.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.False(Directory.Exists(output), $"{expected}: the output folder was left behind");
            }
        }
        finally { Directory.Delete(temp, true); }
    }
}

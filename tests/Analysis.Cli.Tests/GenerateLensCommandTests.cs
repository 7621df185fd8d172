using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>`generate --lens` through the command line: the lens in the JSON, its files and table, and exit 2 on bad lens options.</summary>
public class GenerateLensCommandTests
{
    private static readonly string Model = Path.Combine(Cli.Root, "onnx-models", "stories260k", "model.onnx");

    [Fact]
    public async Task GenerateLensWritesJsonParquetAndTable()
    {
        var dir = Directory.CreateTempSubdirectory("analysis-cli-generate-lens-").FullName;
        try
        {
            var (code, output, error) = await Cli.Run("generate", "--model", Model, "--prompt", "Once upon a time", "--max-new-tokens", "8",
                "--lens", "--lens-top", "3", "--json", "-o", dir);
            Assert.True(code == 0, error);
            using var doc = JsonDocument.Parse(output);
            var ids = doc.RootElement.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var steps = doc.RootElement.GetProperty("lens").GetProperty("steps");
            Assert.Equal(ids, steps.EnumerateArray().Take(ids.Length).Select(s => s.GetProperty("token_id").GetInt32()));
            foreach (var step in steps.EnumerateArray())
            {
                var layers = step.GetProperty("layers");
                Assert.Equal(5, layers.GetArrayLength());
                var last = layers[4];
                Assert.Equal(step.GetProperty("token_id").GetInt32(), last.GetProperty("top_ids")[0].GetInt32());
                Assert.Equal(3, last.GetProperty("top_tokens").GetArrayLength());
                Assert.Equal(0, last.GetProperty("kl_to_final").GetDouble());
            }
            Assert.True(File.Exists(Path.Combine(dir, "generation_lens.parquet")));
            Assert.Contains("\"generation_lens\"", File.ReadAllText(Path.Combine(dir, "results.json")));

            (code, output, error) = await Cli.Run("generate", "--model", Model, "--prompt", "Once upon a time", "--max-new-tokens", "4",
                "--lens", "--hooks", "blocks.1.hook_resid_post");
            Assert.True(code == 0, error);
            Assert.Contains("Logit lens over 4 generated tokens", output);
            Assert.Contains("blocks.1.hook_resid_post", output);
            Assert.Contains("blocks.4.hook_resid_post", output); // the finish's own input is always read
            Assert.DoesNotContain("blocks.2.hook_resid_post", output);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--hooks", "blocks.*.hook_resid_post")]
    [InlineData("--lens", "--hooks", "blocks.*.attn.hook_pattern")]
    [InlineData("--lens", "--lens-top", "0")]
    [InlineData("--lens", "--token-sets", "/no/such/sets.json")]
    public async Task BadLensOptionsExitWithTwoAndOneSentence(params string[] args)
    {
        var (code, _, error) = await Cli.Run(["generate", "--model", Model, "--prompt", "x", "--max-new-tokens", "2", .. args]);
        Assert.Equal(2, code);
        Assert.StartsWith("analysis: ", error);
        Assert.DoesNotContain("   at ", error);
    }
}

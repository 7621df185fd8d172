using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>`analysis ablate` through the command line: the table, ablate.json, and exit 2 on bad input.</summary>
public class AblateCommandTests
{
    private static readonly string Model = Path.Combine(Cli.Root, "onnx-models", "stories260k", "model.onnx");

    [Fact]
    public async Task MeanAblatingNeuronsWritesTheTableAndAblateJson()
    {
        var dir = Directory.CreateTempSubdirectory("analysis-cli-ablate-").FullName;
        try
        {
            var (code, output, error) = await Cli.Run("ablate", "--model", Model, "--data", Path.Combine(Cli.Root, "tools", "demo", "stories.jsonl"),
                "--max-sequences", "4", "--max-length", "24", "--neurons", "blocks.1.mlp.hook_post:17,40", "--hook", "blocks.0.hook_mlp_out",
                "--mode", "mean", "--target", " Lily", "-o", dir);
            Assert.True(code == 0, error);
            Assert.Contains("blocks.1.mlp.hook_post:17", output);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "ablate.json")));
            var units = doc.RootElement.GetProperty("units");
            Assert.Equal(3, units.GetArrayLength());
            Assert.Equal("blocks.0.hook_mlp_out", units[0].GetProperty("label").GetString());
            Assert.True(units[0].GetProperty("deltaCe").GetDouble() > 0.1, "mean-ablating a whole MLP output should hurt the loss");
            Assert.Equal("the evaluated tokens", doc.RootElement.GetProperty("meanSource").GetString());
            Assert.True(File.Exists(Path.Combine(dir, "results.json")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--heads", "7.1")]
    [InlineData("--neurons", "blocks.1.mlp.hook_post:x")]
    [InlineData("--mode", "half")]
    [InlineData("--hook", "blocks.99.hook_resid_post")]
    public async Task BadInputExitsTwoWritingNothing(string option, string value)
    {
        var dir = Path.Combine(Path.GetTempPath(), "analysis-cli-ablate-bad-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = await Cli.Run("ablate", "--model", Model, "--prompt", "Once upon a time", option, value, "-o", dir);
        Assert.Equal(2, code);
        Assert.DoesNotContain("   at ", error);
        Assert.False(Directory.Exists(dir));
    }
}

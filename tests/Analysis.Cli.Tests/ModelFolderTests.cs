using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>--model takes a model folder as well as its model.onnx; without a tokenizer.json there, one sentence and exit 2.</summary>
public class ModelFolderTests
{
    [Fact]
    public async Task AFolderRunsLikeItsModelFile()
    {
        var folder = Path.Combine(Cli.Root, "onnx-models", "stories260k");
        string[] Args(string model) => ["generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", "8", "--json"];
        var (code, fromFolder, error) = await Cli.Run(Args(folder));
        Assert.True(code == 0, error);
        (code, var fromFile, error) = await Cli.Run(Args(Path.Combine(folder, "model.onnx")));
        Assert.True(code == 0, error);
        using var a = JsonDocument.Parse(fromFolder);
        using var b = JsonDocument.Parse(fromFile);
        Assert.Equal(8, a.RootElement.GetProperty("token_ids").GetArrayLength());
        Assert.Equal(b.RootElement.GetProperty("token_ids").ToString(), a.RootElement.GetProperty("token_ids").ToString());
    }

    [Theory]
    [InlineData("generate", "--prompt", "Once")]
    [InlineData("ablate", "--prompt", "Once upon a time")]
    [InlineData("lens", "--data", "tools/demo/stories.jsonl")]
    public async Task AFolderWithoutATokenizerExits2(string command, string option, string value)
    {
        var dir = Directory.CreateTempSubdirectory("analysis-cli-folder-").FullName;
        File.Copy(Path.Combine(Cli.Root, "onnx-models", "stories260k", "model.onnx"), Path.Combine(dir, "model.onnx"));
        var extra = command == "ablate" ? new[] { "--heads", "all" } : [];
        var (code, output, error) = await Cli.Run([command, "--model", dir, option, option == "--data" ? Path.Combine(Cli.Root, value) : value, .. extra, "-o", Path.Combine(dir, "out")]);
        Assert.True(code == 2, output + error);
        Assert.Contains("no tokenizer.json in", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        Directory.Delete(dir, recursive: true);
    }
}

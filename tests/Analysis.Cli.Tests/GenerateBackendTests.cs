using System.Text.Json;

namespace Analysis.Cli.Tests;

/// <summary>`generate --backend`: KV-cache models go through GenAI, others through recomputation; bad requests exit 2 with one sentence.</summary>
public class GenerateBackendTests
{
    private static readonly string StoriesKv = Path.Combine(Cli.Root, "onnx-models", "stories260k-kv");

    [Fact]
    public async Task AKvCacheModelGoesThroughGenAiAndGivesTheReferenceTokens()
    {
        var (code, output, error) = await Cli.Run("generate", "--model", Path.Combine(StoriesKv, "model.onnx"), "--prompt", "Once upon a time", "--max-new-tokens", "20", "--json");
        Assert.True(code == 0, error);
        Assert.Equal("", error);
        using var doc = JsonDocument.Parse(output);
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(StoriesKv, "reference.json")));
        var expected = reference.RootElement.GetProperty("generation").GetProperty("new_ids").EnumerateArray().Take(20).Select(e => e.GetInt32());
        Assert.Equal(expected, doc.RootElement.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.StartsWith("ONNX Runtime GenAI", doc.RootElement.GetProperty("method").GetString());
    }

    [Theory]
    [InlineData("stories260k", "5", "has no KV cache")]
    [InlineData("stories260k-kv", "1000", "exceed the model's context length of 512 tokens")]
    public async Task GenAiOnARequestItCannotRunExits2WithOneSentence(string folder, string tokens, string expected)
    {
        var model = Path.Combine(Cli.Root, "onnx-models", folder, "model.onnx");
        var (code, output, error) = await Cli.Run("generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", tokens, "--backend", "genai");
        Assert.True(code == 2, output + error);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task TheLensRunsWithTheRecomputeLoopAndIsRefusedWithGenAi()
    {
        var model = Path.Combine(StoriesKv, "model.onnx");
        var (code, output, error) = await Cli.Run("generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", "3", "--lens", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.StartsWith("full recomputation", doc.RootElement.GetProperty("method").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("lens").GetProperty("steps").GetArrayLength());
        (code, output, error) = await Cli.Run("generate", "--model", model, "--prompt", "Once upon a time", "--lens", "--backend", "genai");
        Assert.True(code == 2, output + error);
        Assert.Contains("--lens runs with the recompute loop", error);
    }
}

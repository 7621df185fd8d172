using Analysis.Cli;

namespace Analysis.Cli.Tests;

public class VerifyCommandTests
{
    private static readonly string Root = Cli.Root;

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => Cli.Run(args);

    [Theory]
    [InlineData("stories260k")]
    [InlineData("gpt2-tiny")]
    [InlineData("bert-tiny")]
    [InlineData("neox-tiny")]
    public async Task PassesOnEveryReferenceModelFolder(string name)
    {
        var (code, output, error) = await Run("verify", Path.Combine(Root, "onnx-models", name));
        Assert.True(code == 0, output + error);
        Assert.Contains("padded-batch", output);
        Assert.Matches(@"PASSED: max abs error \d\.\d\dE-\d\d, max rel error \d\.\d\dE-\d\d", output);
    }

    [Fact]
    public async Task AcceptsTheModelFileAndReportsTheGreedyGeneration()
    {
        var (code, output, _) = await Run("verify", Path.Combine(Root, "onnx-models", "stories260k", "model.onnx"));
        Assert.Equal(0, code);
        Assert.Contains("greedy generation: 100 tokens identical to the reference  ok", output);
    }

    [Fact]
    public async Task ExitsOneAboveTolerance()
    {
        var (code, output, _) = await Run("verify", Path.Combine(Root, "onnx-models", "neox-tiny"), "--abs-tolerance", "1e-12");
        Assert.Equal(1, code);
        Assert.Contains("ABOVE TOLERANCE", output);
        Assert.Contains("FAILED", output);
    }

    [Fact]
    public async Task AMissingModelIsBadInput()
    {
        var (code, _, error) = await Run("verify", Path.Combine(Root, "onnx-models", "no-such-model"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task ANegativeToleranceIsBadInput()
    {
        var (code, _, error) = await Run("verify", Path.Combine(Root, "onnx-models", "gpt2-tiny"), "--rel-tolerance", "-1");
        Assert.Equal(2, code);
        Assert.Contains("0 or more", error);
    }
}

namespace Analysis.Cli.Tests;

public class LensAttentionCommandTests
{
    private static string Folder(string model) => Path.Combine(Cli.Root, "onnx-models", model);

    private static string Data(string dir)
    {
        var data = Path.Combine(dir, "data.jsonl");
        File.WriteAllLines(data, File.ReadLines(Path.Combine(Cli.Root, "tools", "demo", "stories.jsonl")).Take(12));
        return data;
    }

    /// <summary>Post-norm BERT has no final norm: one sentence, exit 2, nothing written.</summary>
    [Fact]
    public async Task LensOnAPostNormModelIsBadInput()
    {
        var dir = Directory.CreateTempSubdirectory("lens-cli-").FullName;
        try
        {
            var output = Path.Combine(dir, "out");
            var (code, _, err) = await Cli.Run("lens", "--model", Path.Combine(Folder("bert-tiny"), "model.onnx"), "--data", Data(dir), "-o", output, "--device", "cpu");
            Assert.Equal(2, code);
            Assert.Contains("has no final norm", err);
            Assert.Single(err.Trim().Split('\n'));
            Assert.False(Directory.Exists(output));
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Both commands run on Optimum's merged decoder (its no-cache branch) and write the files the issue names.</summary>
    [Fact]
    public async Task LensAndAttentionRunOnAnOptimumMergedDecoder()
    {
        var dir = Directory.CreateTempSubdirectory("lens-cli-").FullName;
        try
        {
            var model = Path.Combine(Folder("gpt2-tiny-optimum"), "decoder_model_merged.onnx");
            var data = Data(dir);
            var (code, stdout, err) = await Cli.Run("lens", "--model", model, "--data", data, "--out", Path.Combine(dir, "lens"), "--device", "cpu");
            Assert.True(code == 0, err);
            Assert.Contains("blocks.2.hook_resid_post", stdout);
            foreach (var f in new[] { "lens.parquet", "lens.json", "results.json" }) Assert.True(File.Exists(Path.Combine(dir, "lens", f)), f);
            (code, stdout, err) = await Cli.Run("attention", "--model", model, "--data", data, "-o", Path.Combine(dir, "attention"), "--device", "cpu", "--dormant-threshold", "0.5");
            Assert.True(code == 0, err);
            foreach (var f in new[] { "heads.parquet", "heads.json", "results.json", "patterns.json" }) Assert.True(File.Exists(Path.Combine(dir, "attention", f)), f);
            (code, _, err) = await Cli.Run("attention", "--model", model, "--data", data, "-o", Path.Combine(dir, "bad"), "--dormant-threshold", "1.5");
            Assert.Equal(2, code);
            Assert.Contains("--dormant-threshold", err);
        }
        finally { Directory.Delete(dir, true); }
    }
}

using Analysis.Sae;

namespace Analysis.Cli.Tests;

/// <summary>`analysis sae features`: a run writes the dashboard and tables; bad input exits 2 with one sentence and writes nothing.</summary>
public sealed class SaeFeaturesCommandTests
{
    [Fact]
    public async Task WritesTheDashboardAndRefusesBadInput()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-sae-features-").FullName;
        try
        {
            // A random 64-latent SAE on stories260k's blocks.2.hook_resid_post (width 64).
            var rng = new Random(1);
            float[] Random(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5))];
            var sae = Path.Combine(temp, "sae");
            new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, new SaeWeights(64, 64, Random(64 * 64), new float[64], Random(64 * 64), new float[64]),
                new SaeInfo { HookName = "blocks.2.hook_resid_post" }).Save(sae);
            var model = Path.Combine(Cli.Root, "onnx-models", "stories260k");
            var data = Path.Combine(Cli.Root, "tools", "demo", "stories.jsonl");
            var output = Path.Combine(temp, "out");
            string[] Args(string s, string m, params string[] more) => ["sae", "features", "--sae", s, "--model", m, "--data", data, "--max-sequences", "3", "-o", output, .. more];
            var cases = new (string[] Args, string Expected)[]
            {
                (Args(temp, model), "is not an SAE folder"),
                (Args(sae, model, "--features", "0-99"), "out of range: the SAE has 64 features"),
                (Args(sae, Path.Combine(Cli.Root, "onnx-models", "family", "large", "step-00256")), "128"),
            };
            foreach (var (args, expected) in cases) await Cli.AssertBadInput(args, expected, output);

            var (ok, stdout, stderr) = await Cli.Run(Args(sae, model, "--features", "0-9"));
            Assert.True(ok == 0, stdout + stderr);
            Assert.Contains("10 features", stdout);
            foreach (var file in new[] { "features.html", "features.parquet", "contexts.parquet", "results.json" })
                Assert.True(File.Exists(Path.Combine(output, file)), file);
        }
        finally { Directory.Delete(temp, true); }
    }
}

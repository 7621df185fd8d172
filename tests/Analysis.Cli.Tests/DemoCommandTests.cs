namespace Analysis.Cli.Tests;

/// <summary>The README's main command does what it says: dataset, probes and report, all where it prints them.</summary>
public class DemoCommandTests
{
    [Fact]
    public async Task DemoExtractsProbesAndReports()
    {
        var temp = Directory.CreateTempSubdirectory("analysis-demo-").FullName;
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await CommandLine.RunAsync(["demo", "--out", temp], output, error);
            Assert.True(code == 0, output.ToString() + error);
            var text = output.ToString();
            Assert.Contains("Extracted 3,000 examples", text);
            Assert.Contains("dataset complete", text);
            foreach (var hook in new[] { "hook_embed", "blocks.0.hook_resid_post", "blocks.4.hook_resid_post" })
                Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(hook)}\s+\d\.\d{{3}} \[", text);

            var (infoCode, info, _) = await Cli.Run("dataset", "info", Path.Combine(temp, "activations"));
            Assert.Equal(0, infoCode);
            Assert.Contains("3/3 complete", info);
            Assert.True(File.Exists(Path.Combine(temp, "probes", "results.json")));
            var html = File.ReadAllText(Path.Combine(temp, "report.html"));
            Assert.Contains("<svg", html);
            Assert.Contains("blocks.4.hook_resid_post", html);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}

using Analysis.Reports;
using Analysis.Sae;
using Analysis.Tests.Reports;

namespace Analysis.Tests.Sae;

/// <summary>The function-token and absorption sections render their plots in headless Chromium without console errors.</summary>
public sealed class FunctionTokensAbsorptionSectionTests
{
    [Fact]
    public void SectionsRenderInChromium()
    {
        using var dir = new Extraction.TempDirectory();
        const int d = 16, rows = 6000;
        var planted = new PlantedDictionary(d, 24, seed: 41);
        var x = planted.Sample(rows, 2, seed: 42);
        var rng = new Random(43);
        string[] words = ["apple", "ant", "ball", "bat", "cat", "cup", "dog", "dot", "the", "and"];
        var ids = Enumerable.Range(0, rows).Select(_ => rng.Next(words.Length)).ToArray();
        // Each word adds its own direction, so the probe and the latents have something to find.
        for (var i = 0; i < rows; i++) for (var t = 0; t < d; t++) x[i * d + t] += planted.Directions[ids[i] * d + t];
        const string hook = "blocks.0.hook_resid_post";
        var data = TokenDataset.Write(Path.Combine(dir.Path, "acts"), x, d, ids, [.. ids.Select(i => words[i])], hook);
        var sae = Path.Combine(dir.Path, "sae");
        SaeTraining.Run(new SaeTrainingRequest { Data = data, Hooks = [hook], Latents = [32], K = [3], Tokens = 30_000, BatchSize = 200, LearningRate = 3e-3, Output = sae });
        var ft = Path.Combine(dir.Path, "ft");
        var abs = Path.Combine(dir.Path, "abs");
        FunctionTokens.Run(sae, data, ft);
        var a = Absorption.Run(sae, data, abs, options: new AbsorptionOptions { MinTestTokens = 5 });
        Assert.True(a.EvaluatedLetters > 0, "no letter was measured, so the absorption plot would be missing");

        var page = Path.Combine(dir.Path, "report.html");
        HtmlReport.Write([ft, abs], page);
        var html = File.ReadAllText(page);
        Assert.Contains("Function tokens", html);
        Assert.Contains("Feature absorption, first-letter task", html);
        HtmlReportTests.AssertPlotsRender(dir.Path, page, 3, "sae-function-tokens-absorption-screenshot.png");
    }
}

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
        var (data, sae, _) = TokenDataset.PlantedWords(dir.Path, ["apple", "ant", "ball", "bat", "cat", "cup", "dog", "dot", "the", "and"], seed: 41, latents: 32);
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

using System.Text.RegularExpressions;
using Analysis.Reports;
using Analysis.Sae;
using Analysis.Tests.Reports;

namespace Analysis.Tests.Sae;

/// <summary>A real (small) SAE run joins the HTML report: its three curves render in headless Chromium, with a table row per SAE.</summary>
public sealed class SaeSectionTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public void SweepCurvesRenderInChromium()
    {
        if (!File.Exists(Chromium)) Assert.Fail($"{Chromium} is missing: run tools/setup/report.sh (apt package chromium) to test the HTML report in a real browser.");
        using var dir = new Extraction.TempDirectory();
        var planted = new PlantedDictionary(16, 24, seed: 31);
        var data = SyntheticDataset.Write(Path.Combine(dir.Path, "acts"), planted.Sample(4000, 2, seed: 32), 16, rowsPerGroup: 500);
        var run = Path.Combine(dir.Path, "run");
        SaeTraining.Run(new SaeTrainingRequest
        {
            Data = data, Hooks = [SyntheticDataset.Hook], Latents = [32, 64], K = [2], Tokens = 20_000, BatchSize = 200,
            LearningRate = 3e-3, MetricsEvery = 5, Output = run,
        });
        var html = HtmlReport.Render([run]);
        Assert.Contains("Sparse autoencoders", html);
        Assert.Contains($"{SyntheticDataset.Hook}.topk.m64.k2", html);
        var page = Path.Combine(dir.Path, "report.html");
        HtmlReport.Write([run], page);
        var (dom, log) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", page);
        var expected = Regex.Match(dom, "data-plots-expected=\"(\\d+)\"").Groups[1].Value;
        var rendered = Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"");
        Assert.True(rendered.Success, $"The report's in-page check did not run; Chromium said: {log}");
        Assert.Equal("3", expected);
        Assert.Equal(expected, rendered.Groups[1].Value);
        Assert.DoesNotContain("Uncaught", log);
        var png = Path.Combine(AppContext.BaseDirectory, "sae-report-screenshot.png");
        HtmlReportTests.RunChromium(dir.Path, $"--screenshot={png}", "--window-size=1400,1400", page);
        Assert.True(new FileInfo(png).Length > 10_000, "The screenshot is suspiciously small.");
    }
}

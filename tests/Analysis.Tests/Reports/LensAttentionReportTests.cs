using System.Text.Json;
using System.Text.RegularExpressions;
using Analysis.Attention;
using Analysis.Lens;
using Analysis.Reports;
using Analysis.Runtime;
using Analysis.Tests.Extraction;
using Analysis.Tests.Lens;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Reports;

public class LensAttentionReportTests
{
    /// <summary>
    /// `analysis lens` and `analysis attention` outputs on stories260k render in headless Chromium: every plot (line
    /// charts, heatmaps, the pattern viewer) has drawn marks, the viewer's script runs without console errors, and the
    /// files the issue names hold what it asks for.
    /// </summary>
    [Fact]
    public void LensAndAttentionSectionsRenderInChromium()
    {
        if (!File.Exists(HtmlReportTests.Chromium)) Assert.Fail($"{HtmlReportTests.Chromium} is missing: run tools/setup/report.sh (apt package chromium) to test the HTML report in a real browser.");
        using var dir = new TempDirectory();
        var folder = Models.Folder("stories260k");
        var model = Path.Combine(folder, "model.onnx");
        var tokenizer = Path.Combine(folder, "tokenizer.json");
        var data = dir.File("data.jsonl", string.Join("\n", LensTests.Texts(24).Select(t => JsonSerializer.Serialize(new { text = t }))) + "\n");
        var sets = dir.File("sets.json", """{"pronouns": ["▁she", "▁he", "▁She", "▁He"], "digits": {"regex": "^▁?[0-9]+$"}}""");
        var lensOut = Path.Combine(dir.Path, "lens");
        var attentionOut = Path.Combine(dir.Path, "attention");
        LensRun.Run(new LensRequest { Lens = new LensOptions { Model = model, Tokenizer = tokenizer, Device = Device.Cpu, TokenSets = sets }, Data = data, Output = lensOut });
        AttentionRun.Run(new AttentionRequest { Attention = new AttentionOptions { Model = model, Tokenizer = tokenizer, Device = Device.Cpu }, Data = data, Output = attentionOut });

        var layers = JsonDocument.Parse(File.ReadAllText(Path.Combine(lensOut, LensRun.LayersFile))).RootElement.GetProperty("layers");
        Assert.Equal(5, layers.GetArrayLength());
        foreach (var l in layers.EnumerateArray())
            foreach (var key in new[] { "hook", "top1_accuracy", "kl_to_final", "entropy" }) Assert.True(l.TryGetProperty(key, out _), key);
        var heads = JsonDocument.Parse(File.ReadAllText(Path.Combine(attentionOut, AttentionRun.HeadsJson))).RootElement;
        Assert.Equal(40, heads.GetArrayLength());
        foreach (var h in heads.EnumerateArray())
            foreach (var key in new[] { "layer", "head", "sink_mass", "prev_token_mass", "entropy" }) Assert.True(h.TryGetProperty(key, out _), key);

        var page = Path.Combine(dir.Path, "report.html");
        HtmlReport.Write([lensOut, attentionOut], page);
        var (dom, log) = HtmlReportTests.RunChromium(dir.Path, "--dump-dom", page);
        var expected = Regex.Match(dom, "data-plots-expected=\"(\\d+)\"").Groups[1].Value;
        var rendered = Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"");
        Assert.True(rendered.Success, $"The report's in-page check did not run; Chromium said: {log}");
        Assert.Equal("9", expected); // lens: 3 line charts; attention: 5 heatmaps and the viewer
        Assert.Equal(expected, rendered.Groups[1].Value);
        Assert.DoesNotContain("CONSOLE", log);
        Assert.DoesNotContain("Uncaught", log);
        Assert.Contains("id=\"attention-viewer\"", dom);
        var png = Path.Combine(AppContext.BaseDirectory, "lens-attention-report.png");
        HtmlReportTests.RunChromium(dir.Path, $"--screenshot={png}", "--window-size=1400,3200", page);
        Assert.True(new FileInfo(png).Length > 10_000, "The screenshot is suspiciously small.");
    }
}

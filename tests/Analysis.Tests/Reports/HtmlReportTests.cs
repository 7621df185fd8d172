using System.Diagnostics;
using System.Text.RegularExpressions;
using Analysis.Decomposition;
using Analysis.Numerics;
using Analysis.Probing;
using Analysis.Reports;
using Analysis.Results;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Reports;

public class HtmlReportTests
{
    internal const string Chromium = "/usr/bin/chromium";

    /// <summary>Real results in a new folder: four "layers" whose signal grows with depth, a PCA scatter, and a log-spaced number line.</summary>
    internal static string SampleResults()
    {
        var rng = new Random(1);
        var dirs = Synthetic.OrthonormalDirections(3, 16, 2);
        var types = Enumerable.Range(0, 600).Select(_ => rng.Next(40)).ToArray();
        var labels = types.Select(t => "xyz"[t % 3].ToString()).ToArray();
        var words = types.Select(t => "w" + t).ToArray();
        var layers = new List<ProbeLayerResult>();
        var scatters = new List<PcaScatter>();
        var numberLines = new List<NumberLineResult>();
        var values = Enumerable.Range(0, 300).Select(_ => (double)rng.Next(1, 500)).ToArray();
        for (var layer = 0; layer < 4; layer++)
        {
            var x = new Matrix(600, 16);
            for (var i = 0; i < 600; i++)
                for (var j = 0; j < 16; j++) x[i, j] = (float)(layer * 0.8 * dirs[types[i] % 3][j] + Synthetic.Normal(rng));
            var hook = $"blocks.{layer}.hook_resid_post";
            layers.Add(ProbeExperiment.Run(hook, x, labels, words, options: new ProbeOptions { Seeds = [0, 1], BootstrapResamples = 200 }));
            if (layer == 3) scatters.Add(PcaScatter.Of(hook, "first char", x, labels));
            var nx = new Matrix(300, 16);
            for (var i = 0; i < 300; i++)
                for (var j = 0; j < 16; j++) nx[i, j] = (float)((layer + 1) * Math.Log(values[i]) * dirs[0][j] + 0.3 * Synthetic.Normal(rng));
            numberLines.Add(NumberLine.Analyze(hook, nx, values, maxPlsComponents: 3));
        }
        var dir = Directory.CreateTempSubdirectory("report-").FullName;
        ResultsFile.Save(dir, new Dictionary<string, string> { ["dataset"] = "synthetic <test> & co", ["command"] = "analysis probe --label token:first-char" },
            (ProbeSection.Entry, new[] { new ProbeSweep("token:first-char", [.. layers]) }), (PcaSection.Entry, scatters.ToArray()),
            (NumberLineSection.Entry, numberLines.ToArray()));
        return dir;
    }

    [Fact]
    public void Report_is_self_contained_and_shows_every_section()
    {
        var dir = SampleResults();
        try
        {
            var html = HtmlReport.Render([dir]);
            foreach (var heading in new[] { "Probe: token:first-char", "PCA of activations", "Number line" }) Assert.Contains(heading, html);
            Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//"), html);   // no external assets
            Assert.Contains("synthetic &lt;test&gt; &amp; co", html);              // metadata escaped
            Assert.Contains("data-plots-expected=\"8\"", html);                    // 2 probe + 1 PCA + 1 R² + 4 number-line plots
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_probe_section_counts_exactly_the_plots_it_draws_with_and_without_a_control_task()
    {
        var rng = new Random(3);
        var types = Enumerable.Range(0, 400).Select(_ => rng.Next(40)).ToArray();
        var labels = types.Select(t => "xyz"[t % 3].ToString()).ToArray();
        var words = types.Select(t => "w" + t).ToArray();
        var x = new Matrix(400, 8);
        for (var i = 0; i < 400; i++)
            for (var j = 0; j < 8; j++) x[i, j] = (float)((types[i] % 3 == j % 3 ? 1.0 : 0.0) + Synthetic.Normal(rng));
        var options = new ProbeOptions { Seeds = [0], BootstrapResamples = 50 };
        // Grouped by word type, no test type was seen in training: the control task does not run and selectivity is not drawn.
        foreach (var groups in new[] { null, words })
        {
            var layer = ProbeExperiment.Run("blocks.0.hook_resid_post", x, labels, words, groups, options);
            var section = ProbeSection.Render(new ProbeSweep("first char", [layer]));
            Assert.Equal(section.Plots, Regex.Matches(section.Html, "<svg class=\"plot\"").Count);
            Assert.Equal(groups is null ? 2 : 1, section.Plots);
        }
    }

    [Fact]
    public void Missing_results_file_is_bad_input()
    {
        var dir = Directory.CreateTempSubdirectory("report-empty-").FullName;
        try { Assert.Contains("results.json", Assert.Throws<FileNotFoundException>(() => HtmlReport.Render([dir])).Message); }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Report_renders_in_headless_chromium_without_console_errors_and_with_non_empty_plots()
    {
        if (!File.Exists(Chromium)) Assert.Fail($"{Chromium} is missing: run tools/setup/report.sh (apt package chromium) to test the HTML report in a real browser.");
        var dir = SampleResults();
        try
        {
            var page = Path.Combine(dir, "report.html");
            HtmlReport.Write([dir], page);
            var (dom, log) = RunChromium(dir, "--dump-dom", page);
            var expected = Regex.Match(dom, "data-plots-expected=\"(\\d+)\"").Groups[1].Value;
            var rendered = Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"");
            Assert.True(rendered.Success, $"The report's in-page check did not run; Chromium said: {log}");
            Assert.Equal("8", expected);
            Assert.Equal(expected, rendered.Groups[1].Value);
            Assert.DoesNotContain("CONSOLE", log);
            Assert.DoesNotContain("Uncaught", log);
            // A screenshot too, kept next to the test output for people to look at.
            var png = Path.Combine(AppContext.BaseDirectory, "report-screenshot.png");
            RunChromium(dir, $"--screenshot={png}", "--window-size=1400,2400", page);
            Assert.True(new FileInfo(png).Length > 10_000, "The screenshot is suspiciously small.");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Opens the page in headless Chromium: its in-page check counts the expected plots as rendered, the console shows no uncaught error, and a screenshot is kept in the test output folder; returns the rendered DOM.</summary>
    internal static string AssertPlotsRender(string profileDir, string page, int plots, string screenshot, int height = 2000)
    {
        if (!File.Exists(Chromium)) Assert.Fail($"{Chromium} is missing: run tools/setup/report.sh (apt package chromium) to test the HTML report in a real browser.");
        var (dom, log) = RunChromium(profileDir, "--dump-dom", page);
        var rendered = Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"");
        Assert.True(rendered.Success, $"The report's in-page check did not run; Chromium said: {log}");
        Assert.Equal(plots.ToString(System.Globalization.CultureInfo.InvariantCulture), Regex.Match(dom, "data-plots-expected=\"(\\d+)\"").Groups[1].Value);
        Assert.Equal(plots.ToString(System.Globalization.CultureInfo.InvariantCulture), rendered.Groups[1].Value);
        Assert.DoesNotContain("Uncaught", log);
        var png = Path.Combine(AppContext.BaseDirectory, screenshot);
        RunChromium(profileDir, $"--screenshot={png}", $"--window-size=1400,{height}", page);
        Assert.True(new FileInfo(png).Length > 10_000, "The screenshot is suspiciously small.");
        return dom;
    }

    internal static (string Stdout, string Stderr) RunChromium(string profileDir, params string[] args)
    {
        var psi = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            ArgumentList = { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--enable-logging=stderr", "--v=0", $"--user-data-dir={Path.Combine(profileDir, "profile")}" },
        };
        foreach (var a in args[..^1]) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(new Uri(args[^1]).AbsoluteUri);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); Assert.Fail("Chromium did not finish within 120 s."); }
        return (stdout.Result, stderr.Result);
    }
}

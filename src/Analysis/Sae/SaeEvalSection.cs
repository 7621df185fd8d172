using System.Globalization;
using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>The report's SAE evaluation section: L0 and feature-density histograms and the eval table.</summary>
public static class SaeEvalSection
{
    /// <summary>The section for the folder's <c>sae eval</c> results, if it has them.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        var evals = results.Get<SaeEvalResult[]>("saeEval") ?? [];
        if (evals.Length > 0) yield return Render(evals);
    }

    /// <summary>Renders the histograms (drawn as lines over their bins) of the first result and a table row per result.</summary>
    public static ReportSection Render(SaeEvalResult[] evals)
    {
        var e = evals[0];
        var html = new StringBuilder("<h2>SAE evaluation</h2><p>Reconstruction and sparsity on the data, and next-token loss with the SAE spliced into the model. CE recovered = (CE zero-ablated − CE spliced) / (CE zero-ablated − CE clean).</p><div class=\"grid\">");
        var l0 = new LineChart("L0 (active latents per token)", [.. e.L0Histogram.Select((_, i) => i == e.L0Histogram.Length - 1 && i >= 128 ? $"≥{i}" : i.ToString(CultureInfo.InvariantCulture))], "active latents", "tokens");
        l0.Add("tokens", HtmlPage.Blue, [.. e.L0Histogram.Select(c => (double)c)]);
        html.Append(l0.Render(0));
        var density = new LineChart("Feature density (live latents)",
            [.. e.DensityHistogram.Select((_, i) => (e.DensityLog10Start + i * SaeDataMetrics.DensityBin).ToString("0.00", CultureInfo.InvariantCulture))], "log10 firing frequency", "latents");
        density.Add("latents", HtmlPage.Vermillion, [.. e.DensityHistogram.Select(c => (double)c)]);
        html.Append(density.Render(0));
        html.Append("</div><table><tr><th>SAE</th><th>hook</th><th>tokens</th><th>FVU</th><th>MSE</th><th>L0</th><th>dead</th><th>dense</th><th>effective features</th><th>CE clean</th><th>CE spliced</th><th>CE zero</th><th>CE mean</th><th>CE recovered</th><th>KL</th></tr>");
        foreach (var r in evals)
            html.Append(string.Create(CultureInfo.InvariantCulture,
                $"<tr><td>{HtmlPage.Escape(r.Sae)}</td><td>{HtmlPage.Escape(r.Hook)}</td><td>{r.Tokens:N0}</td><td>{HtmlPage.Number(r.Fvu)}</td><td>{HtmlPage.Number(r.Mse)}</td><td>{r.L0:0.0}</td><td>{HtmlPage.Number(r.DeadFraction)}</td><td>{HtmlPage.Number(r.DenseFraction)}</td><td>{r.EffectiveFeatures:0.0}</td><td>{r.CeLossClean:0.0000}</td><td>{r.CeLossSpliced:0.0000}</td><td>{r.CeLossZeroAblation:0.0000}</td><td>{r.CeLossMeanAblation:0.0000}</td><td>{r.CeLossRecovered:0.000}</td><td>{r.KlDiv:0.0000}</td></tr>"));
        html.Append("</table>");
        return new ReportSection(html.ToString(), 2);
    }
}

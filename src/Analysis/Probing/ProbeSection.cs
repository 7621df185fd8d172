using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Probing;

/// <summary>The report's probe sections: accuracy and selectivity by layer, with the baselines, and the table.</summary>
public static class ProbeSection
{
    /// <summary>The results.json entry probe sweeps are stored under.</summary>
    public const string Entry = "probes";

    /// <summary>One section per probe sweep in the folder's results.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results) =>
        (results.Get<ProbeSweep[]>(Entry) ?? []).Select(Render);

    /// <summary>The section for one sweep.</summary>
    public static ReportSection Render(ProbeSweep sweep)
    {
        var html = new StringBuilder();
        var layers = sweep.Layers;
        var names = HtmlPage.ShortNames(layers.Select(l => l.Hook).ToArray());
        html.Append($"<h2>Probe: {HtmlPage.Escape(sweep.Label)}</h2>");
        html.Append($"<p>Multinomial logistic regression per layer; {(layers.FirstOrDefault()?.Seeds.Length ?? 0) switch { 1 => "1 seed", var n => $"{n} seeds" }}; bands are 95% bootstrap intervals over test examples. " +
                    "Control: Hewitt &amp; Liang control task (each word type gets a random label); selectivity = accuracy − control accuracy.</p><div class=\"grid\">");
        double[] V(Func<ProbeLayerResult, double> f) => layers.Select(f).ToArray();
        html.Append(new LineChart($"Accuracy by layer — {sweep.Label}", names, "layer", "test accuracy")
            .Add("probe", HtmlPage.Blue, V(l => l.Accuracy.Value), V(l => l.Accuracy.Low), V(l => l.Accuracy.High))
            .Add("control task", HtmlPage.Vermillion, V(l => l.Control.Value), V(l => l.Control.Low), V(l => l.Control.High), dashed: true)
            .Add("shuffled labels", HtmlPage.Purple, V(l => l.Shuffled.Value), dashed: true)
            .Add("majority class", HtmlPage.Grey, V(l => l.Majority.Value), dashed: true)
            .Render(0, 1));
        html.Append(new LineChart($"Selectivity by layer — {sweep.Label}", names, "layer", "accuracy − control accuracy")
            .Add("selectivity", HtmlPage.Green, V(l => l.Selectivity.Value), V(l => l.Selectivity.Low), V(l => l.Selectivity.High))
            .Render());
        html.Append("</div><table><tr><th>hook</th><th>rows</th><th>classes</th><th>accuracy [95% CI]</th><th>macro-F1</th><th>log-loss</th><th>majority</th><th>shuffled</th><th>control</th><th>selectivity [95% CI]</th></tr>");
        foreach (var l in layers)
            html.Append($"<tr><td>{HtmlPage.Escape(l.Hook)}</td><td>{l.Rows}</td><td>{l.Classes.Length}</td><td>{Est(l.Accuracy)}</td><td>{N(l.MacroF1.Value)}</td><td>{N(l.LogLoss)}</td>" +
                        $"<td>{N(l.Majority.Value)}</td><td>{N(l.Shuffled.Value)}</td><td>{N(l.Control.Value)}</td><td>{Est(l.Selectivity)}</td></tr>");
        html.Append("</table>");
        return new ReportSection(html.ToString(), 2);
    }

    private static string N(double v) => HtmlPage.Number(v);
    private static string Est(Estimate e) => $"{N(e.Value)} [{N(e.Low)}, {N(e.High)}]";
}

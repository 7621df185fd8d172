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
        var first = layers.FirstOrDefault();
        var controlRan = layers.Any(l => l.Control is not null);
        html.Append($"<p>Multinomial logistic regression per layer; {(first?.Seeds.Length ?? 0) switch { 1 => "1 seed", var n => $"{n} seeds" }}; bands are 95% bootstrap intervals over test examples. " +
                    $"{(sweep.GroupBy is { } g ? $"Split grouped by <code>{HtmlPage.Escape(g)}</code> (no value on both sides). " : "")}" +
                    $"Regularisation C: {HtmlPage.Escape(CText(layers))}.</p>");
        html.Append($"<p>Control task: {HtmlPage.Escape(first?.ControlTask is { Length: > 0 } t ? t : "Hewitt & Liang control task (each word type gets a random label)")}" +
                    (controlRan ? "; selectivity = accuracy − control accuracy." : ", so no selectivity is reported.") + "</p>");
        if (sweep.LabelSource.Length > 0)
            html.Append($"<p>Labels from {HtmlPage.Escape(sweep.LabelSource)}{(sweep.FoldCase ? ", case folded" : "")}; " +
                        $"skipped {sweep.SkippedSpecial} special tokens and {sweep.SkippedEmpty} empty or whitespace-only spans.</p>");
        if (DroppedText(sweep) is { } dropped) html.Append($"<p>{HtmlPage.Escape(dropped)}</p>");
        html.Append("<div class=\"grid\">");
        double[] V(Func<ProbeLayerResult, double> f) => layers.Select(f).ToArray();
        var accuracy = new LineChart($"Accuracy by layer — {sweep.Label}", names, "layer", "test accuracy")
            .Add("probe", HtmlPage.Blue, V(l => l.Accuracy.Value), V(l => l.Accuracy.Low), V(l => l.Accuracy.High));
        if (controlRan)
            accuracy.Add("control task", HtmlPage.Vermillion, V(l => l.Control?.Value ?? double.NaN), V(l => l.Control?.Low ?? double.NaN), V(l => l.Control?.High ?? double.NaN), dashed: true);
        html.Append(accuracy
            .Add("shuffled labels", HtmlPage.Purple, V(l => l.Shuffled.Value), dashed: true)
            .Add("majority class", HtmlPage.Grey, V(l => l.Majority.Value), dashed: true)
            .Render(0, 1));
        if (controlRan)
            html.Append(new LineChart($"Selectivity by layer — {sweep.Label}", names, "layer", "accuracy − control accuracy")
                .Add("selectivity", HtmlPage.Green, V(l => l.Selectivity?.Value ?? double.NaN), V(l => l.Selectivity?.Low ?? double.NaN), V(l => l.Selectivity?.High ?? double.NaN))
                .Render());
        html.Append("</div><table><tr><th>hook</th><th>rows</th><th>classes</th><th>C</th><th>accuracy [95% CI]</th><th>macro-F1</th><th>log-loss</th><th>majority</th><th>shuffled</th><th>control</th><th>selectivity [95% CI]</th></tr>");
        foreach (var l in layers)
            html.Append($"<tr><td>{HtmlPage.Escape(l.Hook)}</td><td>{l.Rows}</td><td>{l.Classes.Length}</td><td>{HtmlPage.Escape(CValue(l))}</td><td>{Est(l.Accuracy)}</td><td>{N(l.MacroF1.Value)}</td><td>{N(l.LogLoss)}</td>" +
                        $"<td>{N(l.Majority.Value)}</td><td>{N(l.Shuffled.Value)}</td><td>{(l.Control is { } c ? N(c.Value) : "n/a")}</td><td>{(l.Selectivity is { } sel ? Est(sel) : "n/a")}</td></tr>");
        html.Append("</table>");
        return new ReportSection(html.ToString(), controlRan ? 2 : 1);
    }

    /// <summary>The C a layer used, with every seed's choice when they differ.</summary>
    public static string CValue(ProbeLayerResult l)
    {
        static string F(double c) => double.IsNaN(c) ? "?" : c.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
        var perSeed = l.Seeds.Select(s => s.C).Distinct().ToArray();
        return perSeed.Length > 1 ? $"{F(l.C)} ({string.Join("/", l.Seeds.Select(s => F(s.C)))})" : F(l.C);
    }

    /// <summary>One sentence on the classes a grouped split could not test, or null when none were dropped.</summary>
    public static string? DroppedText(ProbeSweep sweep) => sweep.DroppedRows == 0 ? null
        : $"Dropped {sweep.DroppedClasses.Length} classes ({sweep.DroppedRows} rows) whose rows span fewer than {sweep.MinGroupsPerClass} values of {sweep.GroupBy}, " +
          $"so a grouped split cannot both train and test them: {string.Join(" ", sweep.DroppedClasses.Take(20).Select(c => $"'{c}'"))}{(sweep.DroppedClasses.Length > 20 ? $" and {sweep.DroppedClasses.Length - 20} more" : "")}.";

    private static string CText(ProbeLayerResult[] layers) =>
        layers.FirstOrDefault()?.CSelection switch
        {
            null or "" => "not recorded",
            "fixed" => $"fixed at {CValue(layers[0])}",
            var how => $"chosen per layer and seed by {how} (table column C)",
        };

    private static string N(double v) => HtmlPage.Number(v);
    private static string Est(Estimate e) => $"{N(e.Value)} [{N(e.Low)}, {N(e.High)}]";
}

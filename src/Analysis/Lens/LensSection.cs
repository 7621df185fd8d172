using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Lens;

/// <summary>The report's logit-lens section: next-token accuracy, KL to the final layer, entropy and token-set mass by layer.</summary>
public static class LensSection
{
    /// <summary>The results.json entry the lens is stored under.</summary>
    public const string Entry = "lens";

    /// <summary>The section for the folder's lens results, if it has any.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        if (results.Get<LensResult>(Entry) is not { Layers.Count: > 0 } lens) yield break;
        var layers = HtmlPage.ShortNames(lens.Layers.Select(l => l.Hook).ToArray());
        var x = layers.Length == lens.Layers.Count && layers[0] != lens.Layers[0].Hook ? "layer (hook_resid_post)" : "hook";
        var html = new StringBuilder($"<h2>Logit lens ({HtmlPage.Escape(lens.Finish)})</h2>");
        html.Append($"<p>{lens.Examples:N0} examples, {lens.Tokens:N0} tokens, {lens.Predictions:N0} next-token predictions. "
            + "Each layer's residual stream is read through the model's own final norm and unembedding.</p><div class=\"grid\">");
        var plots = 2;
        html.Append(new LineChart("Next-token prediction by layer", layers, x, "share / probability")
            .Add("top-1 accuracy", HtmlPage.Blue, lens.Layers.Select(l => l.Top1Accuracy).ToArray())
            .Add("p(next token)", HtmlPage.Vermillion, lens.Layers.Select(l => l.NextTokenProbability).ToArray(), dashed: true)
            .Render(0, 1));
        html.Append(new LineChart("Distance from the final distribution", layers, x, "nats")
            .Add("KL(final ‖ layer)", HtmlPage.Purple, lens.Layers.Select(l => l.KlToFinal).ToArray())
            .Add("entropy", HtmlPage.Green, lens.Layers.Select(l => l.Entropy).ToArray(), dashed: true)
            .Render(0));
        if (lens.TokenSets.Count > 0)
        {
            string[] colors = [HtmlPage.Blue, HtmlPage.Vermillion, HtmlPage.Green, HtmlPage.Purple, HtmlPage.Grey];
            var chart = new LineChart("Latent language: probability mass per token set", layers, x, "probability mass");
            for (var s = 0; s < lens.TokenSets.Count; s++)
            {
                var name = lens.TokenSets[s].Name;
                chart.Add($"{name} ({lens.TokenSets[s].Tokens} tokens)", colors[s % colors.Length], lens.Layers.Select(l => l.SetMass.GetValueOrDefault(name)).ToArray(), dashed: s >= colors.Length);
            }
            html.Append(chart.Render(0));
            plots++;
        }
        html.Append("</div><table><tr><th>hook</th><th>top-1 accuracy</th><th>p(next)</th><th>rank(next)</th><th>KL to final</th><th>entropy</th>");
        foreach (var s in lens.TokenSets) html.Append($"<th>mass: {HtmlPage.Escape(s.Name)}</th>");
        html.Append("</tr>");
        foreach (var l in lens.Layers)
        {
            html.Append($"<tr><td>{HtmlPage.Escape(l.Hook)}</td><td>{HtmlPage.Number(l.Top1Accuracy)}</td><td>{HtmlPage.Number(l.NextTokenProbability)}</td>"
                + $"<td>{HtmlPage.Number(l.NextTokenRank)}</td><td>{HtmlPage.Number(l.KlToFinal)}</td><td>{HtmlPage.Number(l.Entropy)}</td>");
            foreach (var s in lens.TokenSets) html.Append($"<td>{HtmlPage.Number(l.SetMass.GetValueOrDefault(s.Name))}</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        yield return new ReportSection(html.ToString(), plots);
    }
}

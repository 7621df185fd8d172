using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Generation;

/// <summary>
/// The report's section for the logit lens during generation: layer × generated-token heatmaps of the generated token's
/// probability (the latent-language plot) and of each token set's mass, and each layer's top-1 token per step.
/// </summary>
public static class GenerationLensSection
{
    /// <summary>The section for the folder's generation lens, if it has one.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        if (results.Get<GenerationLensResult>(GenerationLens.Entry) is not { Steps.Count: > 0 } lens) yield break;
        var layers = HtmlPage.ShortNames(lens.Hooks.ToArray());
        var tokens = lens.Steps.Select(s => $"{s.Step}: {s.Token}").ToList();
        double[][] Grid(Func<GenerationLensLayer, double> value) =>
            Enumerable.Range(0, lens.Hooks.Count).Select(l => lens.Steps.Select(s => value(s.Layers[l])).ToArray()).ToArray();

        var html = new StringBuilder($"<h2>Logit lens during generation ({HtmlPage.Escape(lens.Finish)})</h2>");
        html.Append($"<p>{lens.Steps.Count} generated tokens{(lens.Intervened ? ", of the intervened continuation" : "")}. "
            + "Each layer's residual stream at the position that chose the token, read through the model's own final norm and unembedding. "
            + "The last layer is the model itself.</p>");
        html.Append(new Heatmap("p(generated token) by layer", layers, tokens, "layer", "generated token").Render(Grid(l => l.TokenProbability), 0, 1));
        var plots = 1;
        for (var s = 0; s < lens.TokenSets.Count; s++)
        {
            var set = s;
            html.Append(new Heatmap($"Probability mass on '{lens.TokenSets[s]}' by layer", layers, tokens, "layer", "generated token")
                .Render(Grid(l => l.SetMass[set]), 0, 1));
            plots++;
        }
        html.Append("<table><tr><th>step</th><th>token</th>");
        foreach (var l in layers) html.Append($"<th>{HtmlPage.Escape(l)}: top-1</th>");
        html.Append("</tr>");
        foreach (var step in lens.Steps)
        {
            html.Append($"<tr><td>{step.Step}</td><td>{HtmlPage.Escape(step.Token)}</td>");
            foreach (var l in step.Layers)
                html.Append($"<td title=\"p(generated) {HtmlPage.Number(l.TokenProbability)}, rank {l.TokenRank}, KL {HtmlPage.Number(l.KlToFinal)}\">"
                    + $"{HtmlPage.Escape(l.TopTokens.FirstOrDefault() ?? "")} ({HtmlPage.Number(l.TopProbabilities.FirstOrDefault())})</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        yield return new ReportSection(html.ToString(), plots);
    }
}

using System.Text;
using System.Text.Json;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Attention;

/// <summary>
/// The report's attention section: layer × head heatmaps of sink, previous-token and self mass, entropy and dormant
/// share, the head table, and a pattern viewer (tokens on both axes) for a few examples, layer and head chosen on the page.
/// </summary>
public static class AttentionSection
{
    /// <summary>The results.json entry the attention statistics are stored under.</summary>
    public const string Entry = "attention";

    /// <summary>The section for the folder's attention results, if it has any.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        if (results.Get<AttentionResult>(Entry) is not { Heads.Count: > 0 } a) yield break;
        var layers = a.Heads.Select(h => h.Layer).Distinct().Order().ToList();
        var headCount = a.Heads.Max(h => h.Head) + 1;
        var rows = layers.Select(l => $"layer {l}").ToList();
        var columns = Enumerable.Range(0, headCount).Select(h => $"head {h}").ToList();
        double[,] Grid(Func<AttentionHead, double> value)
        {
            var grid = new double[layers.Count, headCount];
            for (var i = 0; i < layers.Count; i++) for (var j = 0; j < headCount; j++) grid[i, j] = double.NaN;
            foreach (var h in a.Heads) grid[layers.IndexOf(h.Layer), h.Head] = value(h);
            return grid;
        }

        var html = new StringBuilder("<h2>Attention structure</h2>");
        html.Append($"<p>{a.Examples:N0} examples, {a.Queries:N0} query tokens (each example's first token is left out: it can only attend to itself). "
            + $"A head is dormant on an example when its mean attention on the first token exceeds {a.DormantThreshold:0.###}; "
            + $"{a.Heads.Count(h => h.Classification == "dormant")} of {a.Heads.Count} heads are dormant on most examples.</p>");
        foreach (var u in a.Unavailable) html.Append($"<p>{HtmlPage.Escape(u.Hook)} is unavailable: {HtmlPage.Escape(u.Reason)}</p>");
        html.Append("<div class=\"grid\">");
        var maxEntropy = Math.Max(a.Heads.Max(h => h.Entropy), 1e-9);
        html.Append(new Heatmap("Sink: attention on the first token", rows, columns, "layer", "head").Render(Grid(h => h.SinkMass)));
        html.Append(new Heatmap("Attention on the previous token", rows, columns, "layer", "head").Render(Grid(h => h.PrevTokenMass)));
        html.Append(new Heatmap("Attention on the token itself", rows, columns, "layer", "head").Render(Grid(h => h.SelfMass)));
        html.Append(new Heatmap("Attention entropy (nats)", rows, columns, "layer", "head").Render(Grid(h => h.Entropy), 0, maxEntropy));
        html.Append(new Heatmap($"Dormant share (sink > {a.DormantThreshold:0.###})", rows, columns, "layer", "head").Render(Grid(h => h.DormantShare)));
        html.Append("</div>");
        var plots = 5;

        var patterns = a.Patterns;
        var file = Path.Combine(results.Directory, AttentionRun.PatternsJson);
        if (patterns.Count == 0 && File.Exists(file))
        {
            try { patterns = JsonSerializer.Deserialize<List<AttentionPatternExample>>(File.ReadAllText(file), ResultsFile.Json) ?? []; }
            catch (JsonException e) { throw new InvalidDataException($"{file} is not a valid pattern file ({e.Message}); re-run 'analysis attention'.", e); }
        }
        if (patterns.Count > 0)
        {
            html.Append(Viewer(patterns));
            plots++;
        }

        html.Append("<table><tr><th>layer</th><th>head</th><th>sink</th><th>previous</th><th>self</th><th>rest</th><th>entropy</th><th>dormant share</th><th>class</th></tr>");
        foreach (var h in a.Heads)
            html.Append($"<tr><td>{h.Layer}</td><td>{h.Head}</td><td>{HtmlPage.Number(h.SinkMass)}</td><td>{HtmlPage.Number(h.PrevTokenMass)}</td><td>{HtmlPage.Number(h.SelfMass)}</td>"
                + $"<td>{HtmlPage.Number(h.RestMass)}</td><td>{HtmlPage.Number(h.Entropy)}</td><td>{HtmlPage.Number(h.DormantShare)}</td><td>{h.Classification}</td></tr>");
        html.Append("</table>");
        yield return new ReportSection(html.ToString(), plots);
    }

    // One heatmap, drawn for the first example, layer and head; the selects recolour its cells from the embedded patterns.
    private static string Viewer(IReadOnlyList<AttentionPatternExample> examples)
    {
        var size = examples.Max(e => e.Tokens.Count);
        var first = examples[0];
        var t = first.Tokens.Count;
        var values = new double[size, size];
        var labels = Enumerable.Range(0, size).Select(i => i < t ? Label(first.Tokens[i], i) : "").ToList();
        for (var q = 0; q < size; q++)
            for (var k = 0; k < size; k++) values[q, k] = q < t && k < t ? first.Layers[0].Heads[0][q][k] : double.NaN;
        var heatmap = new Heatmap("Attention pattern (query × key)", labels, labels, "query token", "key token").Render(values, cell: 14, id: "attention-viewer");
        var data = JsonSerializer.Serialize(examples.Select(e => new
        {
            tokens = e.Tokens.Select(Label).ToList(),
            id = e.ExampleId,
            layers = e.Layers.Select(l => new { hook = l.Hook, heads = l.Heads }),
        }));
        var html = new StringBuilder("<h3>Pattern viewer</h3><p>");
        html.Append("<label>example <select id=\"attention-example\">");
        for (var i = 0; i < examples.Count; i++) html.Append($"<option value=\"{i}\">{examples[i].ExampleId}</option>");
        html.Append("</select></label> <label>layer <select id=\"attention-layer\">");
        for (var i = 0; i < first.Layers.Count; i++) html.Append($"<option value=\"{i}\">{HtmlPage.Escape(first.Layers[i].Hook)}</option>");
        html.Append("</select></label> <label>head <select id=\"attention-head\">");
        for (var i = 0; i < first.Layers[0].Heads.Length; i++) html.Append($"<option value=\"{i}\">{i}</option>");
        html.Append("</select></label></p>");
        html.Append(heatmap);
        // JSON inside a script element: "</" would end it early.
        html.Append($"<script type=\"application/json\" id=\"attention-data\">{data.Replace("</", "<\\/")}</script>");
        html.Append($"<script>{ViewerScript}</script>");
        return html.ToString();
    }

    private static string Label(string token, int index) => $"{index}:{token}";

    private const string ViewerScript = """
        (function(){var d=JSON.parse(document.getElementById('attention-data').textContent),svg=document.getElementById('attention-viewer'),
        ex=document.getElementById('attention-example'),ly=document.getElementById('attention-layer'),hd=document.getElementById('attention-head');
        function color(v){var t=Math.max(0,Math.min(1,v));function c(to){return Math.round(255+(to-255)*t);}return 'rgb('+c(0)+','+c(72)+','+c(140)+')';}
        function draw(){var e=d[+ex.value],m=e.layers[+ly.value].heads[+hd.value],n=e.tokens.length;
        svg.querySelectorAll('rect.cell').forEach(function(r){var q=+r.getAttribute('data-r'),k=+r.getAttribute('data-c');
        if(q<n&&k<n){var v=m[q][k];r.setAttribute('fill',color(v));r.style.display='';r.firstChild.textContent=e.tokens[q]+' → '+e.tokens[k]+': '+v.toFixed(4);}
        else r.style.display='none';});
        svg.querySelectorAll('[data-row-label],[data-column-label]').forEach(function(l){var i=+(l.getAttribute('data-row-label')||l.getAttribute('data-column-label'));l.textContent=i<n?e.tokens[i]:'';});}
        ex.addEventListener('change',draw);ly.addEventListener('change',draw);hd.addEventListener('change',draw);draw();})();
        """;
}

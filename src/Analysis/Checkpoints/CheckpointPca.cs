using Analysis.Datasets;
using Analysis.Decomposition;
using Analysis.Results;

namespace Analysis.Checkpoints;

/// <summary>
/// PCA on every checkpoint of a family (OUT/NAME holds each checkpoint's ordinary PCA output) and, in OUT/results.json,
/// layer × checkpoint tables: PC1's share of variance, the top components' share, and with a label the share of the
/// PC1–PC2 spread the label explains (η²).
/// </summary>
public static class CheckpointPca
{
    /// <summary>The results.json entry the tables are stored under.</summary>
    public const string Entry = "checkpointPca";

    /// <summary>Runs <paramref name="template"/>'s PCA (its Data is the family folder) on every checkpoint.</summary>
    public static CheckpointMetric[] Run(PcaSweepRequest template, Action<FamilyDataset, string, PcaModel>? onLayer = null)
    {
        var output = Directory.CreateDirectory(template.Output).FullName;
        var (checkpoints, hooks, results) = FamilyRuns.Run(template.Data, output, (Layer l) => l.Hook, (c, data, folder) =>
        {
            var layers = new List<Layer>();
            PcaSweep.Run(template with { Data = data, Output = folder, Metadata = new Dictionary<string, string>(template.Metadata) { ["checkpoint"] = c.Name } },
                (hook, model) => { layers.Add(new Layer(hook, model, double.NaN)); onLayer?.Invoke(c, hook, model); });
            if (template.Label is { } label)
            {
                using var table = ActivationTable.Open(data);
                var labels = table.ReadStrings(label);
                for (var i = 0; i < layers.Count; i++)
                {
                    var projection = layers[i].Model.Transform(table.ReadMatrix(layers[i].Hook));
                    layers[i] = layers[i] with { Separation = LabelSeparation.EtaSquared(FirstColumns(projection, 2), labels) };
                }
            }
            return layers;
        });
        var k = results[0][0].Model.Count;
        var metrics = new List<CheckpointMetric>
        {
            new("PC1 share of variance", "Explained variance ratio of the first principal component.", hooks, checkpoints,
                FamilyRuns.Table(hooks, results, l => l.Model.ExplainedVarianceRatio[0])),
            new($"Top {k} components' share of variance", $"Summed explained variance ratio of the first {k} components.", hooks, checkpoints,
                FamilyRuns.Table(hooks, results, l => l.Model.ExplainedVarianceRatio.Sum())),
        };
        if (template.Label is { } l)
            metrics.Add(new($"{l} separation on PC1–PC2 (η²)", $"Share of the spread of rows on the first two components explained by the label '{l}' (between-label / total sum of squares).",
                hooks, checkpoints, FamilyRuns.Table(hooks, results, r => r.Separation)));
        ResultsFile.Save(output, new Dictionary<string, string>(template.Metadata) { ["family"] = Path.GetFullPath(template.Data) }, (Entry, metrics.ToArray()));
        return [.. metrics];
    }

    private static Numerics.Matrix FirstColumns(Numerics.Matrix x, int k)
    {
        k = Math.Min(k, x.Columns);
        var result = new Numerics.Matrix(x.Rows, k);
        for (var i = 0; i < x.Rows; i++)
            for (var j = 0; j < k; j++) result[i, j] = x[i, j];
        return result;
    }

    private sealed record Layer(string Hook, PcaModel Model, double Separation);
}

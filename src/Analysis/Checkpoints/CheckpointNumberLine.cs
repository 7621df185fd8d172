using Analysis.Decomposition;
using Analysis.Results;

namespace Analysis.Checkpoints;

/// <summary>
/// The number-line test on every checkpoint of a family (OUT/NAME holds each checkpoint's ordinary results) and, in
/// OUT/results.json, layer × checkpoint tables of the PLS cross-validated R² and of PC1's R² on log(n).
/// </summary>
public static class CheckpointNumberLine
{
    /// <summary>The results.json entry the tables are stored under.</summary>
    public const string Entry = "checkpointNumberLines";

    /// <summary>Runs <paramref name="template"/>'s number-line sweep (its Data is the family folder) on every checkpoint.</summary>
    public static CheckpointMetric[] Run(NumberLineSweepRequest template, Action<FamilyDataset, NumberLineResult>? onLayer = null)
    {
        var output = Directory.CreateDirectory(template.Output).FullName;
        var (checkpoints, hooks, results) = FamilyRuns.Run(template.Data, output, (NumberLineResult r) => r.Hook, (c, data, folder) =>
            NumberLineSweep.Run(template with { Data = data, Output = folder, Metadata = new Dictionary<string, string>(template.Metadata) { ["checkpoint"] = c.Name } },
                r => onLayer?.Invoke(c, r)));
        CheckpointMetric[] metrics =
        [
            new($"PLS cross-validated R² of {template.Label}", "5-fold cross-validated R² of PLS regression of the number on the activations (components chosen by CV): how linearly readable the number is.",
                hooks, checkpoints, FamilyRuns.Table(hooks, results, r => r.PlsCrossValidatedR2)),
            new($"PC1 R² on log({template.Label})", "R² of the first principal component regressed on the logarithm of the number.",
                hooks, checkpoints, FamilyRuns.Table(hooks, results, r => r.Pca.Logarithmic.R2)),
        ];
        ResultsFile.Save(output, new Dictionary<string, string>(template.Metadata) { ["family"] = Path.GetFullPath(template.Data) }, (Entry, metrics));
        return metrics;
    }
}

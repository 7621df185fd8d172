using Analysis.Probing;
using Analysis.Results;

namespace Analysis.Checkpoints;

/// <summary>
/// Runs a probe layer sweep on each dataset of a family (OUT/NAME holds each checkpoint's ordinary probe results) and
/// writes OUT/results.json with the layer × checkpoint tables for the report.
/// </summary>
public static class CheckpointSweep
{
    /// <summary>Sweeps every checkpoint with <paramref name="template"/>'s settings (its Data is the family folder).</summary>
    public static CheckpointProbes Run(LayerSweepRequest template, Action<FamilyDataset, ProbeLayerResult>? onLayer = null)
    {
        var family = FamilyDatasets.Load(template.Data);
        var output = Directory.CreateDirectory(template.Output).FullName;
        var perCheckpoint = new List<IReadOnlyList<ProbeLayerResult>>();
        foreach (var c in family.Checkpoints)
            perCheckpoint.Add(LayerSweep.Run(template with
            {
                Data = FamilyDatasets.DatasetPath(template.Data, c), Output = Path.Combine(output, c.Name),
                Metadata = new Dictionary<string, string>(template.Metadata) { ["checkpoint"] = c.Name },
            }, r => onLayer?.Invoke(c, r)));
        var hooks = perCheckpoint[0].Select(r => r.Hook).ToArray();
        if (perCheckpoint.Any(p => !p.Select(r => r.Hook).SequenceEqual(hooks)))
            throw new BadInputException($"The checkpoints of {template.Data} have different hooks; a family is compared layer by layer, so extract every checkpoint with the same --hooks and the same number of layers.");
        double[][] Table(Func<ProbeLayerResult, double> f) =>
            hooks.Select((_, h) => perCheckpoint.Select(p => f(p[h])).ToArray()).ToArray();
        var result = new CheckpointProbes(template.Label ?? template.LabelFrom!, hooks, [.. family.Checkpoints],
            Table(r => r.Accuracy.Value), Table(r => r.Selectivity?.Value ?? double.NaN), Table(r => r.Control?.Value ?? double.NaN));
        ResultsFile.Save(output, new Dictionary<string, string>(template.Metadata) { ["family"] = Path.GetFullPath(template.Data) },
            (CheckpointSection.Entry, new[] { result }));
        return result;
    }
}

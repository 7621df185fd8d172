namespace Analysis.Checkpoints;

/// <summary>Runs a per-dataset analysis on every checkpoint of a family and turns its per-hook results into layer × checkpoint tables.</summary>
internal static class FamilyRuns
{
    /// <summary>
    /// Calls <paramref name="run"/>(checkpoint, its dataset, its output folder OUT/NAME) per checkpoint; every
    /// checkpoint must give the same hooks in the same order (bad input otherwise).
    /// </summary>
    public static (FamilyDataset[] Checkpoints, string[] Hooks, List<IReadOnlyList<T>> Results) Run<T>(string family, string output,
        Func<T, string> hookOf, Func<FamilyDataset, string, string, IReadOnlyList<T>> run)
    {
        var index = FamilyDatasets.Load(family);
        var results = index.Checkpoints.Select(c => run(c, FamilyDatasets.DatasetPath(family, c), Path.Combine(output, c.Name))).ToList();
        var hooks = results[0].Select(hookOf).ToArray();
        if (results.Any(r => !r.Select(hookOf).SequenceEqual(hooks)))
            throw new BadInputException($"The checkpoints of {family} have different hooks; a family is compared layer by layer, so extract every checkpoint with the same --hooks and the same number of layers.");
        return ([.. index.Checkpoints], hooks, results);
    }

    /// <summary>Values[h][c] = <paramref name="value"/> of hook h's result at checkpoint c.</summary>
    public static double[][] Table<T>(string[] hooks, List<IReadOnlyList<T>> results, Func<T, double> value) =>
        hooks.Select((_, h) => results.Select(r => value(r[h])).ToArray()).ToArray();
}

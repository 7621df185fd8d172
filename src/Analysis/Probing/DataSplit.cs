namespace Analysis.Probing;

/// <summary>Row indices of a train / validation / test split.</summary>
public sealed record DataSplit(int[] Train, int[] Validation, int[] Test)
{
    /// <summary>Rows shuffled by seed and cut into fractions (validation and test fractions given; the rest trains).</summary>
    public static DataSplit Random(int rows, int seed, double validationFraction = 0.1, double testFraction = 0.2)
    {
        Check(validationFraction, testFraction);
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        var test = (int)Math.Round(rows * testFraction);
        var validation = (int)Math.Round(rows * validationFraction);
        return Cut(order, test, validation);
    }

    /// <summary>
    /// Whole groups (e.g. word types or example ids) go to one side, so no group sits in both train and test;
    /// groups are shuffled by seed and assigned until each side holds about its fraction of rows.
    /// </summary>
    public static DataSplit Grouped(IReadOnlyList<string> groups, int seed, double validationFraction = 0.1, double testFraction = 0.2)
    {
        Check(validationFraction, testFraction);
        var byGroup = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            if (!byGroup.TryGetValue(groups[i], out var list)) byGroup[groups[i]] = list = [];
            list.Add(i);
        }
        var keys = byGroup.Keys.Order(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(keys);
        List<int> train = [], validation = [], test = [];
        var rows = groups.Count;
        foreach (var key in keys)
        {
            var target = test.Count < rows * testFraction ? test : validation.Count < rows * validationFraction ? validation : train;
            target.AddRange(byGroup[key]);
        }
        return new DataSplit([.. train], [.. validation], [.. test]);
    }

    private static DataSplit Cut(int[] order, int test, int validation) =>
        new(order[(test + validation)..], order[test..(test + validation)], order[..test]);

    private static void Check(double validation, double test)
    {
        if (validation < 0 || test <= 0 || validation + test >= 1)
            throw new BadInputException($"Split fractions must satisfy 0 ≤ validation, 0 < test and validation + test < 1 (got {validation} and {test}).");
    }
}

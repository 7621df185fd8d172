namespace Analysis.Probing;

/// <summary>
/// Under a grouped split every group lies on one side, so a class whose rows all belong to one or two groups (the class "."
/// of the single token ".", when grouping by token) can never be both learned and tested; its rows only add a class the test
/// cannot score (and make the majority baseline 0 when it is the largest). Such classes are dropped, and counted.
/// </summary>
public sealed record SplittableClasses(int[] Rows, string[] Dropped, int DroppedRows)
{
    /// <summary>The rows whose class spans at least <paramref name="minGroups"/> distinct groups (train, validation and test need three).</summary>
    public static SplittableClasses Of(IReadOnlyList<string> labels, IReadOnlyList<string> groups, int minGroups)
    {
        var groupsOf = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            if (!groupsOf.TryGetValue(labels[i], out var set)) groupsOf[labels[i]] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(groups[i]);
        }
        var dropped = groupsOf.Where(p => p.Value.Count < minGroups).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        var drop = dropped.ToHashSet(StringComparer.Ordinal);
        var rows = Enumerable.Range(0, labels.Count).Where(i => !drop.Contains(labels[i])).ToArray();
        return new SplittableClasses(rows, dropped, labels.Count - rows.Length);
    }
}

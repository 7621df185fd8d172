namespace Analysis.Probing;

/// <summary>Maps string labels to class ids 0..k−1 in ordinal order of the label text.</summary>
public sealed record ClassEncoding(string[] Classes, int[] Ids)
{
    /// <summary>Encodes labels; throws when fewer than two distinct labels exist.</summary>
    public static ClassEncoding Of(IReadOnlyList<string> labels, string what = "the label")
    {
        var classes = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
            throw new BadInputException($"{what} has {(classes.Length == 0 ? "no values" : $"a single value '{classes[0]}'")}; a probe needs at least two classes — pick another label or more data.");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return new ClassEncoding(classes, labels.Select(l => index[l]).ToArray());
    }
}

using Analysis.Datasets;
using Analysis.Probing;

namespace Analysis.Interventions;

/// <summary>Makes directions: from class means of an activation dataset, from a saved probe, or from an SAE decoder row.</summary>
public static class DirectionBuilder
{
    /// <summary>
    /// mean(rows whose label is <paramref name="positive"/>) − mean(rows whose label is <paramref name="negative"/>, or every
    /// other row when null) of one hook. <paramref name="label"/> is a dataset column, or a token label such as token:first-char.
    /// </summary>
    public static Direction FromClassMeans(string data, string hook, string label, string positive, string? negative, bool normalize)
    {
        using var table = ActivationTable.Open(data);
        var labels = label.StartsWith("token:", StringComparison.Ordinal)
            ? table.ReadStrings("token").Select(TokenLabel.Parse(label).Of).ToArray()
            : table.ReadStrings(label);
        var x = table.ReadMatrix(hook);
        var d = x.Columns;
        double[] sumPos = new double[d], sumNeg = new double[d];
        long nPos = 0, nNeg = 0;
        for (var i = 0; i < x.Rows; i++)
        {
            var isPos = labels[i] == positive;
            var isNeg = negative is null ? !isPos : labels[i] == negative;
            if (!isPos && !isNeg) continue;
            var sum = isPos ? sumPos : sumNeg;
            var row = x.Row(i);
            for (var j = 0; j < d; j++) sum[j] += row[j];
            if (isPos) nPos++; else nNeg++;
        }
        var rest = negative is null ? "every other row" : $"'{negative}'";
        if (nPos == 0 || nNeg == 0)
            throw new BadInputException($"Label {label} has {nPos} rows of '{positive}' and {nNeg} of {rest} in {data}; both classes need rows (check the class names).");
        var vector = Enumerable.Range(0, d).Select(j => (float)(sumPos[j] / nPos - sumNeg[j] / nNeg)).ToArray();
        return Direction.Create(hook, vector, $"mean({label} = {positive}) − mean({(negative is null ? "rest" : $"{label} = {negative}")})", normalize,
            new() { ["data"] = Path.GetFullPath(data), ["label"] = label, ["positive"] = positive, ["negative"] = negative ?? "(rest)",
                    ["positiveRows"] = nPos.ToString(), ["negativeRows"] = nNeg.ToString() });
    }

    /// <summary>
    /// A probe's direction for <paramref name="className"/>: its weight row minus the mean of all rows, the direction that
    /// raises that class's logit relative to the others (for a two-class probe, half of w₁ − w₀).
    /// </summary>
    public static Direction FromProbe(string probePath, string className, bool normalize)
    {
        ProbeFile probe;
        try { probe = ProbeFile.Load(probePath); }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException) { throw new BadInputException(e.Message, e); }
        var c = probe.Classifier;
        var k = Array.IndexOf(c.Classes, className);
        if (k < 0) throw new BadInputException($"Probe '{probePath}' has no class '{className}'; its classes are: {string.Join(", ", c.Classes.Take(40))}.");
        var vector = new float[c.Dimension];
        for (var j = 0; j < c.Dimension; j++)
        {
            double mean = 0;
            for (var i = 0; i < c.Classes.Length; i++) mean += c.Weights[i * c.Dimension + j];
            vector[j] = (float)(c.Weights[k * c.Dimension + j] - mean / c.Classes.Length);
        }
        return Direction.Create(probe.Hook, vector, $"probe {probe.Label} = {className}", normalize,
            new() { ["probe"] = Path.GetFullPath(probePath), ["label"] = probe.Label, ["class"] = className });
    }

    /// <summary>Row <paramref name="feature"/> of the decoder W_dec [features, width] in a safetensors SAE file.</summary>
    public static Direction FromSae(string path, int feature, string hook, bool normalize, string tensor = "W_dec")
    {
        var (row, shape) = SafeTensors.ReadRow(path, tensor, feature);
        return Direction.Create(hook, row, $"SAE decoder row {feature}", normalize,
            new() { ["sae"] = Path.GetFullPath(path), ["tensor"] = tensor, ["feature"] = feature.ToString(), ["features"] = shape[0].ToString() });
    }
}

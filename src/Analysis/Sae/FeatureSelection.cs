using System.Globalization;

namespace Analysis.Sae;

/// <summary>Parses a feature list such as "0-99,200,512-515" against an SAE's width.</summary>
public static class FeatureSelection
{
    /// <summary>The listed latents, ascending and unique; null or empty text selects all <paramref name="dSae"/>.</summary>
    public static int[] Parse(string? text, int dSae)
    {
        if (string.IsNullOrWhiteSpace(text)) return [.. Enumerable.Range(0, dSae)];
        var set = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', 1);
            var (a, b) = dash > 0 ? (part[..dash], part[(dash + 1)..]) : (part, part);
            if (!int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var from) || !int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var to) || to < from)
                throw new BadInputException($"--features '{part}' is not a feature id or range; write ids and ranges such as 0-99,200.");
            if (to >= dSae)
                throw new BadInputException($"--features '{part}' is out of range: the SAE has {dSae} features, numbered 0 to {dSae - 1}.");
            for (var f = from; f <= to; f++) set.Add(f);
        }
        if (set.Count == 0) throw new BadInputException($"--features '{text}' names no feature; write ids and ranges such as 0-99,200.");
        return [.. set];
    }
}

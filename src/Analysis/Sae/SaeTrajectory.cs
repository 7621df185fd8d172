namespace Analysis.Sae;

/// <summary>
/// Each latent of the last SAE of a checkpoint series traced back through the series: its best decoder-cosine match
/// in every checkpoint, and its birth step — the earliest checkpoint from which its match stays at or above the threshold.
/// </summary>
public sealed record SaeTrajectory
{
    /// <summary>The hook all SAEs of the series read.</summary>
    public string Hook { get; init; } = "";
    /// <summary>The SAE folders, in training order.</summary>
    public string[] Saes { get; init; } = [];
    /// <summary>Each SAE's training step (its position in the series when steps are unknown).</summary>
    public long[] Steps { get; init; } = [];
    /// <summary>The cosine at or above which a latent counts as present.</summary>
    public double Threshold { get; init; }
    /// <summary>BestMatch[f][c]: the latent of checkpoint c whose decoder row is closest to the final SAE's latent f.</summary>
    public int[][] BestMatch { get; init; } = [];
    /// <summary>Cosine[f][c]: that cosine.</summary>
    public float[][] Cosine { get; init; } = [];
    /// <summary>Each final latent's birth step (−1 when it is not above the threshold even in the last checkpoint).</summary>
    public long[] Birth { get; init; } = [];
    /// <summary>Births per checkpoint: how many final latents were born at each step.</summary>
    public int[] BirthHistogram { get; init; } = [];
    /// <summary>Per checkpoint: how many final latents have a match at or above the threshold there.</summary>
    public int[] Matched { get; init; } = [];
    /// <summary>Per checkpoint: the final latents' mean best cosine there.</summary>
    public double[] MeanCosine { get; init; } = [];

    /// <summary>
    /// Traces the last SAE of <paramref name="series"/> (in training order, steps ascending) back through the others.
    /// </summary>
    public static SaeTrajectory Trace(IReadOnlyList<Sae> series, IReadOnlyList<long> steps, double threshold, IReadOnlyList<string>? names = null)
    {
        if (series.Count == 0 || steps.Count != series.Count) throw new ArgumentException("One step per SAE of a non-empty series.");
        for (var c = 1; c < steps.Count; c++)
            if (steps[c] < steps[c - 1]) throw new ArgumentException("The series must be in training order (steps ascending).");
        var final = series[^1];
        int m = final.DSae, n = series.Count;
        var best = Enumerable.Range(0, m).Select(_ => new int[n]).ToArray();
        var cosine = Enumerable.Range(0, m).Select(_ => new float[n]).ToArray();
        for (var c = 0; c < n; c++)
        {
            var (b, v) = SaeComparison.BestPerRow(SaeComparison.Cosines(final, series[c]), m, series[c].DSae);
            for (var f = 0; f < m; f++) (best[f][c], cosine[f][c]) = (b[f], v[f]);
        }
        var birth = new long[m];
        var histogram = new int[n];
        for (var f = 0; f < m; f++)
        {
            // Walk back from the end while the match holds: the last checkpoint reached is where the latent is born.
            var c0 = n;
            while (c0 > 0 && cosine[f][c0 - 1] >= threshold) c0--;
            birth[f] = c0 == n ? -1 : steps[c0];
            if (c0 < n) histogram[c0]++;
        }
        return new SaeTrajectory
        {
            Hook = final.Info.HookName, Saes = [.. names ?? series.Select(_ => "")], Steps = [.. steps], Threshold = threshold,
            BestMatch = best, Cosine = cosine, Birth = birth, BirthHistogram = histogram,
            Matched = [.. Enumerable.Range(0, n).Select(c => cosine.Count(row => row[c] >= threshold))],
            MeanCosine = [.. Enumerable.Range(0, n).Select(c => m == 0 ? 0 : cosine.Average(row => (double)row[c]))],
        };
    }
}

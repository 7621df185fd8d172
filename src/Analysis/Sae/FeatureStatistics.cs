namespace Analysis.Sae;

/// <summary>
/// Streaming per-feature statistics of SAE codes, one sequence at a time, in memory bounded by the number of features
/// (never all codes): firing count, activation sum and maximum, an exact activation histogram whose range doubles as
/// needed, the top-N activating tokens (a heap per feature) and a uniform reservoir sample of firing tokens (the source
/// of the quantile samples). Each kept token carries the feature's activations over its context window, copied from
/// the sequence's codes while they are at hand, so nothing has to be re-run.
/// </summary>
public sealed class FeatureStatistics
{
    /// <summary>Bins of each feature's activation histogram.</summary>
    public const int HistogramBins = 32;

    private readonly int[] features;          // latent of each tracked slot
    private readonly int[] slotOf;            // latent → slot, −1 when not tracked
    private readonly long[] count;
    private readonly double[] sum;
    private readonly float[] max;
    private readonly long[] histogram;        // slots × HistogramBins
    private readonly double[] histogramTop;   // each slot's histogram range [0, top), a power of two
    private readonly List<FeatureExample>[] top;
    private readonly FeatureExample[][] reservoir;
    private readonly SplitMix64 random;

    /// <summary>Tracks <paramref name="tracked"/> (latent indices, ascending, unique) of an SAE with <paramref name="dSae"/> latents.</summary>
    public FeatureStatistics(int dSae, IReadOnlyList<int> tracked, int topCount, int sampleCount, int left, int right, ulong seed = 1)
    {
        if (topCount < 1) throw new BadInputException($"--top must be at least 1, not {topCount}.");
        if (sampleCount < 0) throw new BadInputException($"The quantile sample size must not be negative, not {sampleCount}.");
        if (left < 0 || right < 0) throw new BadInputException($"The context window must not be negative ({left} left, {right} right).");
        features = [.. tracked];
        slotOf = new int[dSae];
        Array.Fill(slotOf, -1);
        for (var s = 0; s < features.Length; s++) slotOf[features[s]] = s;
        var n = features.Length;
        count = new long[n]; sum = new double[n]; max = new float[n];
        histogram = new long[n * HistogramBins]; histogramTop = new double[n];
        top = new List<FeatureExample>[n];
        reservoir = new FeatureExample[n][];
        for (var s = 0; s < n; s++) { top[s] = []; reservoir[s] = []; }
        (TopCount, SampleCount, Left, Right) = (topCount, sampleCount, left, right);
        random = new SplitMix64(seed);
    }

    /// <summary>Top tokens kept per feature.</summary>
    public int TopCount { get; }

    /// <summary>Reservoir size per feature (the pool the quantile samples are drawn from).</summary>
    public int SampleCount { get; }

    /// <summary>Tokens before and after the highlighted one in each context.</summary>
    public int Left { get; }

    /// <inheritdoc cref="Left"/>
    public int Right { get; }

    /// <summary>The tracked latents, in slot order.</summary>
    public IReadOnlyList<int> Features => features;

    /// <summary>Tokens seen.</summary>
    public long Tokens { get; private set; }

    /// <summary>Sequences seen.</summary>
    public int Sequences { get; private set; }

    /// <summary>Adds one sequence's codes (one row per token, in order); the sequence's index is the number added before it.</summary>
    public void Add(SparseCodes codes)
    {
        var sequence = Sequences++;
        var rows = codes.Rows;
        for (var t = 0; t < rows; t++)
        {
            var latents = codes.LatentsOf(t);
            var values = codes.ValuesOf(t);
            for (var e = 0; e < latents.Length; e++)
            {
                var v = values[e];
                if (!(v > 0)) continue; // a latent fires when its activation is positive
                var s = slotOf[latents[e]];
                if (s < 0) continue;
                var seen = ++count[s];
                sum[s] += v;
                if (v > max[s]) max[s] = v;
                AddToHistogram(s, v);
                OfferTop(s, v, sequence, t, codes);
                OfferSample(s, v, sequence, t, codes, seen);
            }
        }
        Tokens += rows;
    }

    private void AddToHistogram(int s, float v)
    {
        var h = histogram.AsSpan(s * HistogramBins, HistogramBins);
        if (histogramTop[s] == 0) histogramTop[s] = PowerOfTwoAbove(v);
        // Doubling the range merges bins pairwise; bin widths stay powers of two, so v / width is exact at every range.
        while (v >= histogramTop[s])
        {
            for (var b = 0; b < HistogramBins / 2; b++) h[b] = h[2 * b] + h[2 * b + 1];
            h[(HistogramBins / 2)..].Clear();
            histogramTop[s] *= 2;
        }
        h[(int)(v / (histogramTop[s] / HistogramBins))]++;
    }

    /// <summary>The smallest power of two strictly above <paramref name="v"/> (v &gt; 0).</summary>
    internal static double PowerOfTwoAbove(double v)
    {
        var p = Math.Pow(2, Math.Floor(Math.Log2(v)));
        while (p <= v) p *= 2;
        while (p / 2 > v) p /= 2;
        return p;
    }

    // Kept best-first by (activation descending, then earlier sequence and position), so the result is the first N of
    // that order over all tokens: a later token with an equal activation never displaces an earlier one.
    private void OfferTop(int s, float v, int sequence, int position, SparseCodes codes)
    {
        var list = top[s];
        if (list.Count == TopCount && v <= list[^1].Activation) return;
        var example = Capture(s, v, sequence, position, codes);
        var at = list.Count;
        while (at > 0 && list[at - 1].Activation < v) at--;
        list.Insert(at, example);
        if (list.Count > TopCount) list.RemoveAt(list.Count - 1);
    }

    // Algorithm R: after n firings each one is in the reservoir with probability SampleCount / n.
    private void OfferSample(int s, float v, int sequence, int position, SparseCodes codes, long seen)
    {
        if (SampleCount == 0) return;
        var pool = reservoir[s];
        if (pool.Length < SampleCount)
        {
            Array.Resize(ref reservoir[s], pool.Length + 1);
            reservoir[s][^1] = Capture(s, v, sequence, position, codes);
            return;
        }
        var j = random.Next(seen);
        if (j < SampleCount) pool[j] = Capture(s, v, sequence, position, codes);
    }

    private FeatureExample Capture(int s, float v, int sequence, int position, SparseCodes codes)
    {
        var start = Math.Max(0, position - Left);
        var end = Math.Min(codes.Rows, position + Right + 1);
        var window = new float[end - start];
        var latent = features[s];
        for (var p = start; p < end; p++)
        {
            var at = codes.LatentsOf(p).BinarySearch(latent);
            window[p - start] = at >= 0 ? codes.ValuesOf(p)[at] : 0;
        }
        return new FeatureExample(sequence, position, v, start, window);
    }

    /// <summary>The statistics of every tracked feature; quantile samples: the reservoir sorted by activation, cut into <paramref name="bins"/> equal parts, up to <paramref name="perBin"/> spread over each.</summary>
    public IReadOnlyList<FeatureSummary> Finish(int bins, int perBin)
    {
        var result = new FeatureSummary[features.Length];
        for (var s = 0; s < features.Length; s++)
        {
            var n = count[s];
            var hist = histogram.AsSpan(s * HistogramBins, HistogramBins).ToArray();
            var width = histogramTop[s] / HistogramBins;
            var used = hist.Length;
            while (used > 0 && hist[used - 1] == 0) used--;
            var pool = reservoir[s].OrderBy(e => e.Activation).ThenBy(e => e.Sequence).ThenBy(e => e.Position).ToArray();
            var quantiles = new List<QuantileSample>();
            if (pool.Length > 0)
                for (var b = 0; b < bins; b++)
                {
                    var (from, to) = (pool.Length * b / bins, pool.Length * (b + 1) / bins);
                    var take = Math.Min(perBin, to - from);
                    for (var i = 0; i < take; i++)
                        quantiles.Add(new QuantileSample(b, pool[from + (to - from) * i / take]));
                }
            result[s] = new FeatureSummary(features[s], n, Tokens > 0 ? (double)n / Tokens : 0, n > 0 ? sum[s] / n : 0, max[s],
                width, hist[..used], [.. top[s]], quantiles);
        }
        return result;
    }
}

/// <summary>One token where a feature fires: its sequence and position, the activation, and the feature's activations over the context window starting at <paramref name="Start"/>.</summary>
public sealed record FeatureExample(int Sequence, int Position, float Activation, int Start, float[] Window);

/// <summary>A quantile sample: the bin (0 = lowest activations) and the token.</summary>
public sealed record QuantileSample(int Bin, FeatureExample Example);

/// <summary>
/// One feature's statistics: firings, density (firings / tokens), mean and maximum activation, the histogram of its
/// nonzero activations (bin i covers [i·width, (i+1)·width), trailing empty bins dropped), the top tokens best first and
/// the quantile samples.
/// </summary>
public sealed record FeatureSummary(int Feature, long Count, double Density, double MeanActivation, float MaxActivation,
    double HistogramWidth, long[] Histogram, IReadOnlyList<FeatureExample> Top, IReadOnlyList<QuantileSample> Quantiles);

namespace Analysis.Sae;

/// <summary>Running sums over a dataset's activations (used by <see cref="SaeEvaluation"/>): error, variance, L0, firing counts and activation mass per latent.</summary>
public sealed class SaeDataMetrics(Sae sae)
{
    /// <summary>A latent firing on more than this fraction of tokens is dense.</summary>
    public const double DenseFrequency = 0.1;

    /// <summary>Width of a density histogram bin in log10 frequency.</summary>
    public const double DensityBin = 0.25;

    private const int L0Bins = 129;
    private readonly double[] sum = new double[sae.DIn];
    private readonly long[] fires = new long[sae.DSae];
    private readonly double[] mass = new double[sae.DSae];
    private readonly long[] l0 = new long[L0Bins];
    private double squaredError, squaredNorm, active;
    private long tokens;

    /// <summary>Encodes rows × d_in activations and adds them to the sums.</summary>
    public void Add(float[] x, int rows)
    {
        var d = sae.DIn;
        var codes = sae.Encode(x, rows);
        var xHat = sae.Decode(codes);
        for (var i = 0; i < rows; i++)
        {
            for (var t = 0; t < d; t++)
            {
                double v = x[i * d + t], e = xHat[i * d + t] - v;
                squaredError += e * e;
                squaredNorm += v * v;
                sum[t] += v;
            }
            var latents = codes.LatentsOf(i);
            var values = codes.ValuesOf(i);
            for (var j = 0; j < latents.Length; j++)
            {
                fires[latents[j]]++;
                mass[latents[j]] += values[j];
            }
            active += latents.Length;
            l0[Math.Min(latents.Length, L0Bins - 1)]++;
        }
        tokens += rows;
    }

    /// <summary>The mean activation vector so far.</summary>
    public double[] Mean() => [.. sum.Select(s => s / Math.Max(1, tokens))];

    /// <summary>The dataset metrics (the loss fields are left for the caller).</summary>
    public SaeEvalResult Finish()
    {
        var n = (double)tokens;
        var variance = squaredNorm - sum.Sum(s => s * s) / n;
        var frequencies = fires.Where(f => f > 0).Select(f => Math.Log10(f / n)).ToArray();
        var start = frequencies.Length == 0 ? 0 : Math.Floor(frequencies.Min() / DensityBin) * DensityBin;
        var density = new long[Math.Max(1, (int)Math.Ceiling(-start / DensityBin) + 1)];
        foreach (var f in frequencies) density[Math.Min(density.Length - 1, (int)((f - start) / DensityBin))]++;
        var (entropy, effective) = EffectiveFeatures(mass);
        var lastUsed = Array.FindLastIndex(l0, c => c > 0);
        return new SaeEvalResult
        {
            Tokens = tokens,
            Mse = squaredError / (n * sae.DIn),
            Fvu = squaredError / variance,
            L0 = active / n,
            DeadFraction = fires.Count(f => f == 0) / (double)fires.Length,
            DenseFraction = fires.Count(f => f > DenseFrequency * n) / (double)fires.Length,
            ActivationEntropy = entropy,
            EffectiveFeatures = effective,
            L0Histogram = l0[..(lastUsed + 1)],
            DensityLog10Start = start,
            DensityHistogram = density,
        };
    }

    /// <summary>Shannon entropy (nats) of the activation mass normalised over latents, and its exponential: the number of equally used latents with the same entropy.</summary>
    public static (double Entropy, double Effective) EffectiveFeatures(IReadOnlyList<double> mass)
    {
        var total = mass.Sum();
        if (total <= 0) return (0, 0);
        double h = 0;
        foreach (var m in mass)
            if (m > 0) h -= m / total * Math.Log(m / total);
        return (h, Math.Exp(h));
    }
}

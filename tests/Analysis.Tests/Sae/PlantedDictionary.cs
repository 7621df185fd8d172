namespace Analysis.Tests.Sae;

/// <summary>
/// Synthetic activations with a known dictionary: atoms are random unit vectors, each token is a sparse non-negative
/// combination of a few of them (values in [0.5, 1.5)), so a good SAE's decoder rows should find every atom.
/// </summary>
internal sealed class PlantedDictionary
{
    public PlantedDictionary(int d, int atoms, int seed)
    {
        (D, Atoms) = (d, atoms);
        var rng = new Random(seed);
        Directions = new float[atoms * d];
        for (var a = 0; a < atoms; a++)
        {
            var norm = 0.0;
            for (var t = 0; t < d; t++) { var v = Gaussian(rng); Directions[a * d + t] = (float)v; norm += v * v; }
            for (var t = 0; t < d; t++) Directions[a * d + t] /= (float)Math.Sqrt(norm);
        }
    }

    public int D { get; }
    public int Atoms { get; }
    public float[] Directions { get; }

    /// <summary>rows tokens, each the sum of `active` distinct atoms with weights in [0.5, 1.5), plus an offset.</summary>
    public float[] Sample(int rows, int active, int seed, float offset = 0.3f)
    {
        var rng = new Random(seed);
        var x = new float[rows * D];
        for (var i = 0; i < rows; i++)
        {
            var chosen = new HashSet<int>();
            while (chosen.Count < active) chosen.Add(rng.Next(Atoms));
            foreach (var a in chosen)
            {
                var w = (float)(0.5 + rng.NextDouble());
                for (var t = 0; t < D; t++) x[i * D + t] += w * Directions[a * D + t];
            }
            for (var t = 0; t < D; t++) x[i * D + t] += offset;
        }
        return x;
    }

    /// <summary>Mean over atoms of the best |cosine| with any row of the decoder [m × d] (unit rows assumed normalised here).</summary>
    public double MeanBestCosine(float[] decoderRows, int m)
    {
        var total = 0.0;
        for (var a = 0; a < Atoms; a++)
        {
            var best = 0.0;
            for (var j = 0; j < m; j++)
            {
                double dot = 0, nn = 0;
                for (var t = 0; t < D; t++) { dot += Directions[a * D + t] * decoderRows[j * D + t]; nn += decoderRows[j * D + t] * decoderRows[j * D + t]; }
                best = Math.Max(best, dot / Math.Sqrt(nn));
            }
            total += best;
        }
        return total / Atoms;
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

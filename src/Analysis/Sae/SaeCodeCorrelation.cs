namespace Analysis.Sae;

/// <summary>How the latents of two SAEs match by activations: the Pearson correlation of their codes on the same tokens.</summary>
public sealed record SaeCorrelationMatch
{
    /// <summary>Tokens the correlations were computed on.</summary>
    public long Tokens { get; init; }
    /// <summary>For each latent of A: the latent of B whose codes correlate most with its codes (−1 when A's latent never fires).</summary>
    public int[] BestMatchAToB { get; init; } = [];
    /// <summary>… and that correlation.</summary>
    public float[] BestCorrelationAToB { get; init; } = [];
    /// <summary>For each latent of B: the most correlated latent of A (−1 when B's latent never fires).</summary>
    public int[] BestMatchBToA { get; init; } = [];
    /// <summary>… and that correlation.</summary>
    public float[] BestCorrelationBToA { get; init; } = [];
    /// <summary>One-to-one matching maximising the summed correlation: for each latent of A its partner in B, or −1.</summary>
    public int[] OneToOne { get; init; } = [];
    /// <summary>"optimal" or "greedy", as for the cosine matching.</summary>
    public string OneToOneMethod { get; init; } = "";
    /// <summary>Mean correlation over the one-to-one pairs of live latents.</summary>
    public double OneToOneMeanCorrelation { get; init; }
    /// <summary>Latents of A that fire on the data (the agreements below count only these).</summary>
    public int LiveLatents { get; init; }
    /// <summary>Fraction of A's live latents whose best match by correlation is their best match by decoder cosine.</summary>
    public double BestMatchAgreement { get; init; }
    /// <summary>Fraction of A's live latents given the same partner by both one-to-one matchings.</summary>
    public double OneToOneAgreement { get; init; }
}

/// <summary>
/// Streamed Pearson correlation between every latent of SAE A and every latent of SAE B over the same tokens. Codes are
/// sparse, so per token only the co-active (i, j) pairs add to the cross-products; the sums and sums of squares are
/// per latent. Memory is the m_A × m_B table of cross-products (doubles), never the tokens:
/// r_ij = (N·Σa_i b_j − Σa_i·Σb_j) / √((N·Σa_i² − (Σa_i)²)(N·Σb_j² − (Σb_j)²)), zeros included through N.
/// </summary>
public sealed class SaeCodeCorrelation
{
    /// <summary>The largest m_A·m_B the cross-product table may hold (512 MiB of doubles).</summary>
    public const long MaxPairs = 1L << 26;

    private readonly int _ma, _mb;
    private readonly double[] _cross, _sumA, _sumB, _squareA, _squareB;
    private long _tokens;

    /// <summary>An empty accumulator for SAEs of <paramref name="ma"/> and <paramref name="mb"/> latents.</summary>
    public SaeCodeCorrelation(int ma, int mb)
    {
        if ((long)ma * mb > MaxPairs)
            throw new BadInputException($"Matching by activations holds an {ma} × {mb} table of cross-products, more than {MaxPairs:N0} entries; compare narrower SAEs or leave out --data.");
        (_ma, _mb) = (ma, mb);
        _cross = new double[(long)ma * mb];
        (_sumA, _squareA, _sumB, _squareB) = (new double[ma], new double[ma], new double[mb], new double[mb]);
    }

    /// <summary>Adds tokens whose codes are <paramref name="a"/> and <paramref name="b"/> (row i of each is the same token).</summary>
    public void Add(SparseCodes a, SparseCodes b)
    {
        if (a.Rows != b.Rows) throw new ArgumentException($"The two code blocks hold {a.Rows} and {b.Rows} tokens.");
        for (var t = 0; t < a.Rows; t++)
        {
            ReadOnlySpan<int> la = a.LatentsOf(t), lb = b.LatentsOf(t);
            ReadOnlySpan<float> va = a.ValuesOf(t), vb = b.ValuesOf(t);
            for (var p = 0; p < la.Length; p++)
            {
                double x = va[p];
                _sumA[la[p]] += x;
                _squareA[la[p]] += x * x;
                var row = _cross.AsSpan((int)((long)la[p] * _mb), _mb);
                for (var q = 0; q < lb.Length; q++) row[lb[q]] += x * vb[q];
            }
            for (var q = 0; q < lb.Length; q++)
            {
                double y = vb[q];
                _sumB[lb[q]] += y;
                _squareB[lb[q]] += y * y;
            }
        }
        _tokens += a.Rows;
    }

    /// <summary>Tokens added so far.</summary>
    public long Tokens => _tokens;

    /// <summary>The m_A × m_B correlations (row-major); 0 where either latent never varies (never fires, or always the same).</summary>
    public float[] Correlations()
    {
        var n = (double)_tokens;
        var r = new float[_cross.Length];
        var sa = _squareA.Select((q, i) => Spread(n, q, _sumA[i])).ToArray();
        var sb = _squareB.Select((q, j) => Spread(n, q, _sumB[j])).ToArray();
        for (var i = 0; i < _ma; i++)
            for (var j = 0; j < _mb; j++)
            {
                var denominator = sa[i] * sb[j];
                r[(long)i * _mb + j] = denominator > 0 ? (float)Math.Clamp((n * _cross[(long)i * _mb + j] - _sumA[i] * _sumB[j]) / denominator, -1, 1) : 0f;
            }
        return r;
    }

    // √(N·Σx² − (Σx)²), or 0 when that is within rounding of N·Σx²: a constant latent correlates with nothing.
    private static double Spread(double n, double squares, double sum)
    {
        var spread = n * squares - sum * sum;
        return spread > 1e-9 * n * squares ? Math.Sqrt(spread) : 0;
    }

    /// <summary>The match by correlation, and how far it agrees with the decoder-cosine match <paramref name="byCosine"/>.</summary>
    public SaeCorrelationMatch Match(SaeComparisonResult byCosine)
    {
        var r = Correlations();
        var (bestAB, corrAB) = SaeComparison.BestPerRow(r, _ma, _mb);
        var (bestBA, corrBA) = SaeComparison.BestPerColumn(r, _ma, _mb);
        var (partner, method) = SaeComparison.OneToOne(r, _ma, _mb);
        var liveA = Enumerable.Range(0, _ma).Where(i => _squareA[i] > 0).ToArray();
        for (var i = 0; i < _ma; i++) if (_squareA[i] == 0) (bestAB[i], corrAB[i]) = (-1, 0);
        for (var j = 0; j < _mb; j++) if (_squareB[j] == 0) (bestBA[j], corrBA[j]) = (-1, 0);
        var matched = liveA.Where(i => partner[i] >= 0 && _squareB[partner[i]] > 0).ToArray();
        double Fraction(Func<int, bool> agrees) => liveA.Length == 0 ? 0 : liveA.Count(agrees) / (double)liveA.Length;
        return new SaeCorrelationMatch
        {
            Tokens = _tokens,
            BestMatchAToB = bestAB, BestCorrelationAToB = corrAB, BestMatchBToA = bestBA, BestCorrelationBToA = corrBA,
            OneToOne = partner, OneToOneMethod = method,
            OneToOneMeanCorrelation = matched.Length == 0 ? 0 : matched.Average(i => (double)r[(long)i * _mb + partner[i]]),
            LiveLatents = liveA.Length,
            BestMatchAgreement = Fraction(i => bestAB[i] == byCosine.BestMatchAToB[i]),
            OneToOneAgreement = Fraction(i => partner[i] == byCosine.OneToOne[i]),
        };
    }
}

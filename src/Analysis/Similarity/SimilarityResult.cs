namespace Analysis.Similarity;

/// <summary>
/// Layer × layer similarity of two datasets: linear CKA over every aligned row, and RSA (Spearman's ρ between
/// dissimilarity matrices) over an evenly spaced subsample. Cka[a][b] pairs hook a of A with hook b of B.
/// </summary>
public sealed record SimilarityResult(
    string A, string B, string[] HooksA, string[] HooksB, long Rows,
    double[][] Cka, double[][]? Rsa, int RsaRows, string RsaDistance)
{
    /// <summary>One row per pair of hooks, for programs (similarity.json).</summary>
    public IEnumerable<SimilarityPair> Pairs() =>
        from a in Enumerable.Range(0, HooksA.Length)
        from b in Enumerable.Range(0, HooksB.Length)
        select new SimilarityPair(HooksA[a], HooksB[b], Cka[a][b], Rsa?[a][b]);
}

/// <summary>The similarity of one hook of A and one hook of B.</summary>
public sealed record SimilarityPair(string HookA, string HookB, double Cka, double? Rsa);

namespace Analysis.Similarity;

/// <summary>The dissimilarity between two rows that RSA's dissimilarity matrices use.</summary>
public enum RsaDistance
{
    /// <summary>1 − Pearson correlation of the two vectors (the usual RSA choice: ignores each row's mean and scale).</summary>
    Correlation,
    /// <summary>1 − cosine similarity.</summary>
    Cosine,
    /// <summary>Euclidean distance.</summary>
    Euclidean,
}

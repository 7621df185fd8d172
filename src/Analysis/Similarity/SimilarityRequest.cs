namespace Analysis.Similarity;

/// <summary>What a similarity run compares and where it writes.</summary>
public sealed record SimilarityRequest
{
    /// <summary>The first activation dataset (rows of the report's heatmaps).</summary>
    public required string A { get; init; }
    /// <summary>The second activation dataset, with the same examples and positions (columns of the heatmaps); may equal A.</summary>
    public required string B { get; init; }
    /// <summary>Hook columns compared on both sides, comma-separated glob patterns.</summary>
    public string Hooks { get; init; } = "*";
    /// <summary>Rows RSA uses (evenly spaced over the dataset); 0 skips RSA. Its cost grows with the square.</summary>
    public int RsaRows { get; init; } = 500;
    /// <summary>The dissimilarity RSA uses between rows.</summary>
    public RsaDistance RsaDistance { get; init; } = RsaDistance.Correlation;
    /// <summary>The output directory: results.json and similarity.json.</summary>
    public required string Output { get; init; }
    /// <summary>Run metadata for the report.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

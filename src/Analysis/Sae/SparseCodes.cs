namespace Analysis.Sae;

/// <summary>
/// SAE codes of a block of tokens in compressed-row form: token i's active latents are
/// <c>Latents[RowStart[i]..RowStart[i+1]]</c> (ascending) with activations <c>Values</c> at the same positions.
/// </summary>
public sealed class SparseCodes(int[] rowStart, int[] latents, float[] values)
{
    /// <summary>Number of tokens.</summary>
    public int Rows => RowStart.Length - 1;

    /// <summary>Start of each row's entries; Rows + 1 values.</summary>
    public int[] RowStart { get; } = rowStart;

    /// <summary>Latent index of each entry.</summary>
    public int[] Latents { get; } = latents;

    /// <summary>Activation of each entry.</summary>
    public float[] Values { get; } = values;

    /// <summary>Total active entries.</summary>
    public int Count => RowStart[^1];

    /// <summary>Row i's latents.</summary>
    public ReadOnlySpan<int> LatentsOf(int row) => Latents.AsSpan(RowStart[row], RowStart[row + 1] - RowStart[row]);

    /// <summary>Row i's activations.</summary>
    public ReadOnlySpan<float> ValuesOf(int row) => Values.AsSpan(RowStart[row], RowStart[row + 1] - RowStart[row]);
}

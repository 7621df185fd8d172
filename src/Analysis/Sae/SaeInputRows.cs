using Analysis.Parquet;

namespace Analysis.Sae;

/// <summary>Reads a hook's row group for an SAE, refusing a width the SAE does not read and non-finite values.</summary>
internal static class SaeInputRows
{
    /// <summary>Row group g of the hook as rows × d_in floats.</summary>
    public static float[] Read(ParquetReader r, int g, string hook, Sae sae)
    {
        var x = r.ReadFloatMatrix(g, hook, out var dim);
        if (dim != sae.DIn) throw new BadInputException($"Hook '{hook}' in {r.FilePath} has {dim} values per row but the SAE reads {sae.DIn}; pass the dataset the SAE was trained for.");
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(x))
            throw new BadInputException($"Hook '{hook}' in {r.FilePath} row group {g} holds NaN or infinite values; drop those rows first.");
        return x;
    }
}

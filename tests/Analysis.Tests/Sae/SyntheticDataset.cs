using Analysis.Parquet;

namespace Analysis.Tests.Sae;

/// <summary>Writes activations as a Parquet dataset part (example_id, position, one float-vector hook column) with small row groups.</summary>
internal static class SyntheticDataset
{
    public const string Hook = "blocks.0.hook_resid_post";

    /// <summary>Writes rows [n × d] into DIR/part-00000.parquet in row groups of about rowsPerGroup rows; tokens of 16 per example.</summary>
    public static string Write(string dir, float[] x, int d, int rowsPerGroup = 2048, string hook = Hook, string file = "part-00000.parquet")
    {
        Directory.CreateDirectory(dir);
        var n = x.Length / d;
        var path = Path.Combine(dir, file);
        using var w = ParquetWriter.Create(path, [ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.FloatVector(hook, d)],
            new ParquetWriterOptions { Compression = ParquetCompression.Uncompressed, RowGroupSize = 1 });
        for (var r0 = 0; r0 < n; r0 += rowsPerGroup)
        {
            var rows = Math.Min(rowsPerGroup, n - r0);
            w.WriteInt64("example_id", Enumerable.Range(r0, rows).Select(i => (long)(i / 16)).ToArray());
            w.WriteInt32("position", Enumerable.Range(r0, rows).Select(i => i % 16).ToArray());
            w.WriteFloatVectors(hook, x.AsSpan(r0 * d, rows * d));
            w.EndBatch();
        }
        w.Finish();
        return dir;
    }
}

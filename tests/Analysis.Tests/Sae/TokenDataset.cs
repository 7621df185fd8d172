using Analysis.Parquet;

namespace Analysis.Tests.Sae;

/// <summary>Writes an activation dataset part as extract does for tokens: example_id, position, token_id, token, token_text, special and one hook.</summary>
internal static class TokenDataset
{
    public static string Write(string dir, float[] x, int d, int[] tokenIds, string[] texts, string hook, int rowsPerGroup = 1000)
    {
        Directory.CreateDirectory(dir);
        var n = tokenIds.Length;
        using var w = ParquetWriter.Create(Path.Combine(dir, "part-00000.parquet"),
            [ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.Int32("token_id"), ParquetField.String("token"),
             ParquetField.String("token_text"), ParquetField.Boolean("special"), ParquetField.FloatVector(hook, d)],
            new ParquetWriterOptions { RowGroupSize = 1 });
        for (var r0 = 0; r0 < n; r0 += rowsPerGroup)
        {
            var rows = Math.Min(rowsPerGroup, n - r0);
            w.WriteInt64("example_id", Enumerable.Range(r0, rows).Select(i => (long)(i / 16)).ToArray());
            w.WriteInt32("position", Enumerable.Range(r0, rows).Select(i => i % 16).ToArray());
            w.WriteInt32("token_id", tokenIds.AsSpan(r0, rows));
            w.WriteStrings("token", texts.AsSpan(r0, rows).ToArray().Select(t => (string?)("▁" + t)).ToArray());
            w.WriteStrings("token_text", texts.AsSpan(r0, rows).ToArray().Select(t => (string?)(" " + t)).ToArray());
            w.WriteBoolean("special", new bool[rows]);
            w.WriteFloatVectors(hook, x.AsSpan(r0 * d, rows * d));
            w.EndBatch();
        }
        w.Finish();
        return dir;
    }
}

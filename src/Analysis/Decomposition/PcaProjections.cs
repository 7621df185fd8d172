using System.Text.Json;
using Analysis.Parquet;
using Analysis.Datasets;

namespace Analysis.Decomposition;

/// <summary>Writes a fitted PCA's projections of a hook back as Parquet (row, projection[k]), one row group at a time.</summary>
public static class PcaProjections
{
    /// <summary>Projects every row of <paramref name="hook"/> in <paramref name="table"/> and writes them to <paramref name="path"/>.</summary>
    public static void Write(ActivationTable table, string hook, PcaModel model, string path)
    {
        int k = model.ExplainedVarianceRatio.Length;
        var fields = new[] { ParquetField.Int64("row"), ParquetField.FloatVector("projection", k) };
        using var w = ParquetWriter.Create(path, fields, new ParquetWriterOptions());
        w.SetMetadata("explained_variance_ratio", JsonSerializer.Serialize(model.ExplainedVarianceRatio));
        long row = 0;
        foreach (var chunk in table.ReadChunks(hook))
        {
            var p = model.Transform(chunk);
            w.WriteInt64("row", Enumerable.Range(0, chunk.Rows).Select(i => row + i).ToArray());
            w.WriteFloatVectors("projection", p.Data);
            w.EndBatch();
            row += chunk.Rows;
        }
        w.Finish();
    }
}

using Analysis.Extraction.Sources;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Extraction;

public class ParquetSourceTests
{
    /// <summary>A Parquet input written by DuckDB (an independent writer) streams with its column types kept.</summary>
    [Fact]
    public void DuckDbWrittenParquetIsAnInputDataset()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "input.parquet");
        DuckDb($"COPY (SELECT * FROM (VALUES ('There are 347 apples', 347, 0.5, true, [1, 2]), ('Two cats', NULL, 2.0, false, []), ('Ünïcode 😀', 7, NULL, NULL, [3])) t(text, n, w, ok, tags)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 2)");

        var source = ExampleSource.Open(path, new SourceOptions(SpanField: null));
        Assert.Equal(3, source.Schema.Rows);
        Assert.Equal(
            [new LabelColumn("n", LabelType.Int64), new LabelColumn("w", LabelType.Double), new LabelColumn("ok", LabelType.Boolean), new LabelColumn("tags", LabelType.String)],
            source.Schema.Labels);
        var rows = source.Read().ToList();
        Assert.Equal(["There are 347 apples", "Two cats", "Ünïcode 😀"], rows.Select(r => r.Text));
        Assert.Equal(new object?[] { 347L, 0.5, true, "[1,2]" }, rows[0].Labels);
        Assert.Equal(new object?[] { null, 2.0, false, "[]" }, rows[1].Labels);
        Assert.Equal(new object?[] { 7L, null, null, "[3]" }, rows[2].Labels);
    }

    /// <summary>Runs one statement in an in-memory DuckDB (DuckDB.NET, in process).</summary>
    private static void DuckDb(string sql)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

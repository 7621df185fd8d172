using System.Diagnostics;
using System.Text.Json;
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

    private static void DuckDb(string sql)
    {
        var script = Path.Combine(Models.Root, "tools", "parquet-interop", "query.mjs");
        var start = new ProcessStartInfo("node", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not start; run tools/setup.sh.");
        process.StandardInput.Write(JsonSerializer.Serialize(new[] { sql }));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"DuckDB (tools/parquet-interop; run tools/setup.sh) failed: {error}");
        using var result = JsonDocument.Parse(output);
        Assert.False(result.RootElement[0].TryGetProperty("error", out var e), e.ToString());
    }
}

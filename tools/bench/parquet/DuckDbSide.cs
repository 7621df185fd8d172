using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;

/// <summary>
/// DuckDB's side of the benchmark, in process (DuckDB.NET), timed in the same run: COPY a table of activations to Parquet
/// (uncompressed and ZSTD) and scan the vector column natively with an aggregate over every value, so no values cross
/// into .NET. Keys: load, copy_CODEC, scan_own_CODEC, sum_own_CODEC, scan_ours, sum_ours (seconds and sums).
/// </summary>
internal static class DuckDbSide
{
    public static Dictionary<string, double> Run(string source, string outDir, int threads)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var result = new Dictionary<string, double>();
        Scalar(connection, $"SET threads = {threads.ToString(CultureInfo.InvariantCulture)}");
        result["load"] = Time(connection, $"create table t as select * from read_parquet({Lit(source)})", out _);
        foreach (var codec in new[] { "uncompressed", "zstd" })
        {
            var output = Path.Combine(outDir, $"duckdb-{codec}.parquet");
            result[$"copy_{codec}"] = Time(connection, $"copy t to {Lit(output)} (format parquet, compression {codec})", out _);
            result[$"scan_own_{codec}"] = Time(connection, $"select sum(list_sum(vec))::double as s from read_parquet({Lit(output)})", out var sum);
            result[$"sum_own_{codec}"] = sum;
        }
        result["scan_ours"] = Time(connection, $"select sum(list_sum(vec))::double as s from read_parquet({Lit(source)})", out var ours);
        result["sum_ours"] = ours;
        return result;
    }

    private static double Time(DuckDBConnection connection, string sql, out double value)
    {
        var clock = Stopwatch.StartNew();
        value = Scalar(connection, sql);
        return clock.Elapsed.TotalSeconds;
    }

    private static double Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is null or DBNull ? 0 : Convert.ToDouble(value, CultureInfo.InvariantCulture);
    }

    private static string Lit(string s) => "'" + s.Replace("'", "''") + "'";
}

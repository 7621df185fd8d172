using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analysis.Parquet.Tests;

/// <summary>
/// DuckDB (npm @duckdb/node-api, installed by tools/setup/parquet.sh) as the independent Parquet implementation:
/// one node process runs a whole batch of SQL statements. Missing node or packages fail loudly.
/// </summary>
internal static class DuckDb
{
    public static string RepositoryRoot { get; } = typeof(DuckDb).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepositoryRoot").Value!;

    public static string InteropFolder => Path.Combine(RepositoryRoot, "tools", "parquet-interop");

    /// <summary>Runs the statements in one DuckDB session; returns each statement's rows. A failing statement throws.</summary>
    public static List<JsonArray> Query(params string[] sql)
    {
        var results = Run(sql);
        var rows = new List<JsonArray>();
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i]!.AsObject();
            if (r["error"] is { } e) throw new InvalidOperationException($"DuckDB failed on `{sql[i]}`: {e}");
            rows.Add(r["rows"]!.AsArray());
        }
        return rows;
    }

    /// <summary>Runs the statements; returns each result object ({rows} or {error}).</summary>
    public static JsonArray Run(IReadOnlyList<string> sql)
    {
        string script = Path.Combine(InteropFolder, "query.mjs");
        if (!Directory.Exists(Path.Combine(InteropFolder, "node_modules", "@duckdb", "node-api")))
            throw new InvalidOperationException($"DuckDB for node is not installed in {InteropFolder}; run `bash tools/setup/parquet.sh` (npm ci --ignore-scripts) first.");
        var psi = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = InteropFolder,
        };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException("`node` was not found on PATH; the Parquet interop tests need Node.js 18+ (see docs/parquet.md).", e); }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardInput.Write(JsonSerializer.Serialize(sql));
            p.StandardInput.Close();
            string stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"node query.mjs failed ({p.ExitCode}): {stderr.Result}");
            return JsonNode.Parse(stdout)!.AsArray();
        }
    }

    /// <summary>A SQL string literal.</summary>
    public static string Lit(string s) => "'" + s.Replace("'", "''") + "'";
}

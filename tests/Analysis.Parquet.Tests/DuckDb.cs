using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace Analysis.Parquet.Tests;

/// <summary>
/// DuckDB, in process through DuckDB.NET, as the independent Parquet implementation: one in-memory database runs a batch
/// of SQL statements. Rows come back as JSON objects in DuckDB's own JSON conventions (BIGINT, HUGEINT and DECIMAL as
/// strings, lists as arrays, NaN and infinities as strings, blobs with \xNN escapes), so tests compare exact text.
/// </summary>
internal static class DuckDb
{
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
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var results = new JsonArray();
        foreach (var statement in sql)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = statement;
                using var reader = command.ExecuteReader();
                var rows = new JsonArray();
                while (reader.Read())
                {
                    var row = new JsonObject();
                    for (int c = 0; c < reader.FieldCount; c++) row[reader.GetName(c)] = reader.IsDBNull(c) ? null : Json(Value(reader, c));
                    rows.Add(row);
                }
                results.Add(new JsonObject { ["rows"] = rows });
            }
            catch (DuckDBException e)
            {
                results.Add(new JsonObject { ["error"] = e.Message });
            }
        }
        // Through text, as a JSON reader would see it: numbers then convert to any numeric type on read.
        return JsonNode.Parse(results.ToJsonString())!.AsArray();
    }

    /// <summary>The value of column <paramref name="c"/>; lists are read with nullable elements, since their elements may be null.</summary>
    private static object? Value(DuckDBDataReader reader, int c)
    {
        var type = reader.GetFieldType(c);
        if (!IsList(type)) return reader.GetValue(c);
        var read = typeof(DuckDBDataReader).GetMethod(nameof(DuckDBDataReader.GetFieldValue))!.MakeGenericMethod(WithNullableElements(type));
        return read.Invoke(reader, [c]);
    }

    private static bool IsList(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>);

    private static Type WithNullableElements(Type t) => IsList(t)
        ? typeof(List<>).MakeGenericType(WithNullableElements(t.GetGenericArguments()[0]))
        : t.IsValueType && Nullable.GetUnderlyingType(t) is null ? typeof(Nullable<>).MakeGenericType(t) : t;

    /// <summary>A SQL string literal.</summary>
    public static string Lit(string s) => "'" + s.Replace("'", "''") + "'";

    private static JsonNode? Json(object? value) => value switch
    {
        null or DBNull => null,
        bool b => JsonValue.Create(b),
        string s => JsonValue.Create(s),
        long or ulong or BigInteger or decimal => JsonValue.Create(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(NonFinite(d)),
        float f => float.IsFinite(f) ? JsonValue.Create((double)f) : JsonValue.Create(NonFinite(f)),
        sbyte or byte or short or ushort or int or uint => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTime t => JsonValue.Create(t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.')),
        byte[] bytes => JsonValue.Create(string.Concat(bytes.Select(x => x is >= 0x20 and < 0x7f && x != (byte)'\\' ? ((char)x).ToString() : $"\\x{x:X2}"))),
        Stream stream => Json(ReadAll(stream)),
        IEnumerable items => new JsonArray(items.Cast<object?>().Select(Json).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static string NonFinite(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

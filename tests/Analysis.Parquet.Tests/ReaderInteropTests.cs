using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analysis.Parquet.Tests;

/// <summary>Files DuckDB writes (defaults, every codec, page v2, dictionary off, nested lists) are read by us with the values DuckDB reads.</summary>
public sealed class ReaderInteropTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Table = """
        create table t as select i::bigint as id,
          case when i % 7 = 0 then null else (i * 37) % 1000 end::int as n,
          'w' || (i % 13) as s,
          case when i % 5 = 0 then null else 'x' || i || 'é' end as s2,
          (i * 0.5)::double as d, (i / 3.0)::float as f, i % 2 = 0 as b,
          [i, i + 1, null]::int[] as li,
          case when i % 4 = 0 then null else [[i], [], [i * 2, i * 3]] end::bigint[][] as lli,
          [i / 7.0, -i / 9.0, 1.5]::float[] as vec,
          date '2020-01-01' + (i % 400)::int as dt, (i % 100)::tinyint as ti, (i * 1000)::ubigint as ub,
          (i * 1.25)::decimal(9, 2) as dec,
          timestamp '2020-01-01 00:00:00' + i * interval 1001 millisecond as ts,
          case when i % 3 = 0 then null else ('\x' || to_hex(128 + i % 128) || '\x' || to_hex(128 + i % 100))::blob end as bin
        from range(3000) r(i)
        """;

    public static readonly string[] Variants =
    [
        "(format parquet)", "(format parquet, compression uncompressed)", "(format parquet, compression gzip)",
        "(format parquet, compression zstd)", "(format parquet, compression lz4_raw)", "(format parquet, compression snappy, parquet_version v2)",
        "(format parquet, compression zstd, parquet_version v2, row_group_size 1000)", "(format parquet, dictionary_size_limit 1)",
    ];

    [Fact]
    public void WeReadWhatDuckDbWritesWithEveryCodecAndLayout()
    {
        var files = Variants.Select((_, i) => _dir.File($"duck{i}.parquet")).ToList();
        var sql = new List<string> { Table };
        for (int i = 0; i < files.Count; i++) sql.Add($"copy t to {DuckDb.Lit(files[i])} {Variants[i]}");
        foreach (var f in files) sql.Add($"select * from read_parquet({DuckDb.Lit(f)})");
        var results = DuckDb.Run(sql);
        var encodings = new HashSet<string>();
        for (int i = 0; i < files.Count; i++)
        {
            var expected = results[1 + files.Count + i]!["rows"]?.AsArray() ?? throw new InvalidOperationException($"DuckDB failed on {Variants[i]}: {results[1 + i]}");
            using var reader = ParquetReader.Open(files[i]);
            Assert.Equal(expected.Count, reader.RowCount);
            foreach (var g in reader.RowGroups) foreach (var st in g.Statistics) encodings.UnionWith(st.Encodings);
            var actual = reader.ReadRowGroups().ToList();
            foreach (var field in reader.Schema.Children)
            {
                var column = reader.Columns.First(c => c.FieldName == field.Name);
                var values = actual.SelectMany(g => g[column.DottedPath].ToRows()).ToList();
                Assert.Equal(expected.Count, values.Count);
                for (int r = 0; r < values.Count; r++) AssertSame(expected[r]![field.Name], values[r], $"{Variants[i]} {field.Name} row {r}");
            }
            // The vector fast path on DuckDB's optional LIST<optional FLOAT> layout.
            var vectors = new List<float>();
            for (int g = 0; g < reader.RowGroups.Count; g++) { vectors.AddRange(reader.ReadFloatMatrix(g, "vec", out int dim)); Assert.Equal(3, dim); }
            for (int r = 0; r < expected.Count; r++)
                for (int k = 0; k < 3; k++) Assert.Equal(expected[r]!["vec"]![k]!.GetValue<double>(), vectors[r * 3 + k]);
        }
        // The variants must really exercise the decoders, not just PLAIN.
        foreach (var e in new[] { "PLAIN", "PLAIN_DICTIONARY", "RLE_DICTIONARY", "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "BYTE_STREAM_SPLIT" })
            Assert.Contains(e, encodings);
    }

    internal static void AssertSame(JsonNode? expected, object? actual, string where)
    {
        if (expected is null) { Assert.True(actual is null, $"{where}: expected null, got {actual}"); return; }
        Assert.True(actual is not null, $"{where}: expected {expected.ToJsonString()}, got null");
        if (expected is JsonArray arr)
        {
            var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(actual);
            Assert.True(arr.Count == list.Count, $"{where}: expected {arr.Count} elements, got {list.Count}");
            for (int i = 0; i < arr.Count; i++) AssertSame(arr[i], list[i], $"{where}[{i}]");
            return;
        }
        var v = expected.AsValue();
        switch (v.GetValueKind())
        {
            case JsonValueKind.Number:
                Assert.True(v.GetValue<double>() == System.Convert.ToDouble(actual, CultureInfo.InvariantCulture), $"{where}: expected {v}, got {actual}");
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(v.GetValue<bool>(), actual);
                break;
            default:
                string text = actual switch
                {
                    DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
                    byte[] bytes => string.Concat(bytes.Select(x => $"\\x{x:X2}")), // the test blobs hold only bytes DuckDB escapes
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => actual.ToString()!,
                };
                string e = v.GetValue<string>();
                if (actual is decimal) Assert.True(decimal.Parse(e, CultureInfo.InvariantCulture) == (decimal)actual, $"{where}: expected {e}, got {text}");
                else Assert.True(e == text, $"{where}: expected {e}, got {text}");
                break;
        }
    }
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace Analysis.Parquet.Tests;

/// <summary>Files we write, with every codec and both data page versions, are read back by DuckDB value for value.</summary>
public sealed class WriterInteropTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // DuckDB turns every value into an exact text form so the comparison does not depend on JSON number handling.
    private static string Select(string path) =>
        $"select id::varchar as id, pos, tok, list_transform(vec, x -> x::double::varchar) as vec, " +
        $"list_transform(half, x -> x::double::varchar) as half, flag, d::varchar as d, f::double::varchar as f, " +
        $"date_diff('day', DATE '1970-01-01', day) as day, epoch_us(ts)::varchar as ts from read_parquet({DuckDb.Lit(path)})";

    private static string Num(double v) => double.IsNaN(v) ? "nan" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Norm(JsonNode? n) => n?.GetValue<string>() switch
    {
        null => "null",
        "nan" or "-nan" => "nan",
        "inf" or "-inf" => n.GetValue<string>(),
        var text => Num(double.Parse(text, CultureInfo.InvariantCulture)),
    };

    [Fact]
    public void DuckDbReadsEveryTypeCodecAndPageVersionIdentically()
    {
        var table = new SampleTable(700, seed: 1);
        var files = new List<string>();
        foreach (var codec in new[] { ParquetCompression.Uncompressed, ParquetCompression.Snappy, ParquetCompression.Gzip, ParquetCompression.Zstd, ParquetCompression.Lz4Raw })
        foreach (var version in new[] { 1, 2 })
        {
            string path = _dir.File($"t-{codec}-v{version}.parquet");
            // Small pages and row groups so the files hold many of each.
            table.WriteFile(path, new ParquetWriterOptions { Compression = codec, DataPageVersion = version, PageSize = 900, RowGroupSize = 8_000 });
            files.Add(path);
        }
        var results = DuckDb.Query([.. files.Select(Select), $"select count(*)::int as groups from parquet_metadata({DuckDb.Lit(files[0])}) where column_id = 0"]);
        Assert.True(int.Parse(results[^1][0]!["groups"]!.ToString()) > 3, "expected several row groups");
        for (int f = 0; f < files.Count; f++)
        {
            var rows = results[f];
            Assert.Equal(table.Rows, rows.Count);
            for (int i = 0; i < table.Rows; i++)
            {
                var row = rows[i]!;
                string where = $"{Path.GetFileName(files[f])} row {i}";
                Assert.True(table.Id[i].ToString(CultureInfo.InvariantCulture) == row["id"]!.GetValue<string>(), where);
                Assert.Equal(table.PosPresent[i] ? table.Pos[i] : null, row["pos"]?.GetValue<int>());
                Assert.Equal(table.Tok[i], row["tok"]?.GetValue<string>());
                var vec = row["vec"]!.AsArray();
                Assert.Equal(SampleTable.Dim, vec.Count);
                for (int k = 0; k < SampleTable.Dim; k++) Assert.Equal(Num(table.Vec[i * SampleTable.Dim + k]), Norm(vec[k]));
                if (!table.HalfPresent[i]) Assert.Null(row["half"]);
                else
                {
                    var half = row["half"]!.AsArray();
                    Assert.Equal(SampleTable.HalfDim, half.Count);
                    for (int k = 0; k < SampleTable.HalfDim; k++) Assert.Equal(Num((double)table.HalfVec[i * SampleTable.HalfDim + k]), Norm(half[k]));
                }
                Assert.Equal(table.Flag[i], row["flag"]!.GetValue<bool>());
                Assert.Equal(Num(table.D[i]), Norm(row["d"]));
                Assert.Equal(Num(table.F[i]), Norm(row["f"]));
                Assert.Equal(table.Day[i].ToString(CultureInfo.InvariantCulture), row["day"]!.ToString());
                Assert.Equal(table.Micros[i].ToString(CultureInfo.InvariantCulture), row["ts"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public void DuckDbSeesSchemaMetadataAndStatistics()
    {
        var table = new SampleTable(300, seed: 2);
        string path = _dir.File("meta.parquet");
        using (var w = ParquetWriter.Create(path, SampleTable.Fields, new ParquetWriterOptions { Metadata = new Dictionary<string, string> { ["hooks"] = "{\"a\":[768]}" } }))
        {
            w.SetMetadata("model", "gpt2");
            for (int s = 0; s < 300; s += 100) table.WriteBatch(w, s, 100);
            w.Finish();
        }
        var p = DuckDb.Lit(path);
        var r = DuckDb.Query(
            $"select decode(key) as k, decode(value) as v from parquet_kv_metadata({p}) order by k",
            $"select name, type, logical_type from parquet_schema({p})",
            $"select path_in_schema as path, stats_min_value as mn, stats_max_value as mx, stats_null_count::int as nulls from parquet_metadata({p})");
        Assert.Equal("hooks", r[0][0]!["k"]!.GetValue<string>());
        Assert.Equal("{\"a\":[768]}", r[0][0]!["v"]!.GetValue<string>());
        Assert.Equal("gpt2", r[0][1]!["v"]!.GetValue<string>());
        var stats = r[2].ToDictionary(x => x!["path"]!.GetValue<string>(), x => x!);
        Assert.Equal(table.Id.Min().ToString(CultureInfo.InvariantCulture), stats["id"]["mn"]!.GetValue<string>());
        Assert.Equal(table.Id.Max().ToString(CultureInfo.InvariantCulture), stats["id"]["mx"]!.GetValue<string>());
        Assert.Equal(table.PosPresent.Count(x => !x), stats["pos"]["nulls"]!.GetValue<int>());
        Assert.Equal(table.Tok.Count(x => x is null), stats["tok"]["nulls"]!.GetValue<int>());
        Assert.Equal(table.Tok.Where(x => x is not null).Min(StringComparer.Ordinal), stats["tok"]["mn"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void StringDictionariesFallBackToPlainAndDuckDbAgrees(int pageVersion, bool dictionary)
    {
        // 70,000 strings: a few repeated ones, then distinct ones that push the dictionary past its 1 MiB limit.
        var strings = Enumerable.Range(0, 70_000).Select(i => i < 20_000 ? $"tok{i % 50}" : $"distinct-{i:D8}-{new string('x', i % 23)}").ToArray();
        string path = _dir.File($"dict-{pageVersion}-{dictionary}.parquet");
        using (var w = ParquetWriter.Create(path, [ParquetField.String("s", nullable: true)], new ParquetWriterOptions { DataPageVersion = pageVersion, DictionaryEncoding = dictionary, Compression = ParquetCompression.Zstd }))
        {
            for (int start = 0; start < strings.Length; start += 10_000)
            {
                var batch = strings[start..(start + 10_000)].Select((x, i) => i % 97 == 0 ? null : x).ToArray();
                w.WriteStrings("s", batch);
                w.EndBatch();
            }
            w.Finish();
        }
        var expected = strings.Select((x, i) => i % 10_000 % 97 == 0 ? null : x).ToArray();
        var duck = DuckDb.Query($"select s from read_parquet({DuckDb.Lit(path)})")[0];
        Assert.Equal(expected, duck.Select(r => r!["s"]?.GetValue<string>()));
        using var reader = ParquetReader.Open(path);
        Assert.Single(reader.RowGroups);
        Assert.Equal(expected, reader.ReadColumn(0, "s").ToRows().Cast<string?>());
        var encodings = reader.RowGroups[0].Statistics[0].Encodings;
        Assert.Equal(dictionary, encodings.Contains(pageVersion == 2 ? "RLE_DICTIONARY" : "PLAIN_DICTIONARY"));
        Assert.Equal(expected.Where(x => x is not null).Min(StringComparer.Ordinal), reader.RowGroups[0].Statistics[0].Min);
        Assert.Equal(expected.Where(x => x is not null).Max(StringComparer.Ordinal), reader.RowGroups[0].Statistics[0].Max);
    }

    [Fact]
    public void DisposeWithoutFinishLeavesNoFile()
    {
        string path = _dir.File("partial.parquet");
        using (var w = ParquetWriter.Create(path, SampleTable.Fields))
        {
            new SampleTable(10, 3).WriteBatch(w, 0, 10);
            Assert.Single(Directory.GetFiles(_dir.Path));
        }
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void MismatchedBatchIsRejectedWithAClearMessage()
    {
        using var w = ParquetWriter.Create(_dir.File("bad.parquet"), [ParquetField.Int32("a"), ParquetField.Int32("b")]);
        w.WriteInt32("a", [1, 2]);
        w.WriteInt32("b", [1]);
        var e = Assert.Throws<ArgumentException>(w.EndBatch);
        Assert.Contains("'b'", e.Message);
        Assert.Throws<ArgumentException>(() => w.WriteInt64("a", [1L]));
        Assert.Throws<ArgumentException>(() => w.WriteInt32("nope", [1]));
    }
}

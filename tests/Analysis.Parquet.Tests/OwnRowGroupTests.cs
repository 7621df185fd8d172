namespace Analysis.Parquet.Tests;

/// <summary>
/// <see cref="ParquetWriter.BeginRowGroup"/> writes a batch as a row group of its own, straight to the file: the same
/// bytes as buffering that batch alone, no spill files, and a clear error (then no file) when columns come out of order.
/// </summary>
public sealed class OwnRowGroupTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ParquetCompression.Uncompressed, 1)]
    [InlineData(ParquetCompression.Uncompressed, 2)]
    [InlineData(ParquetCompression.Zstd, 1)]
    [InlineData(ParquetCompression.Snappy, 2)]
    public void AnOwnRowGroupIsByteForByteTheBufferedRowGroupOfThatBatch(ParquetCompression codec, int pageVersion)
    {
        var t = new SampleTable(2000, seed: 21);
        // RowGroupSize 1 flushes after every batch, so the buffered file has one row group per batch too.
        var options = new ParquetWriterOptions { Compression = codec, DataPageVersion = pageVersion, PageSize = 700, RowGroupSize = 1, ColumnMemoryLimit = 2000 };
        string buffered = _dir.File("buffered.parquet"), own = _dir.File("own.parquet");
        t.WriteFile(buffered, options, batch: 300);
        t.WriteFile(own, options, batch: 300, ownRowGroup: _ => true);
        Assert.Equal(File.ReadAllBytes(buffered), File.ReadAllBytes(own));
        using var r = ParquetReader.Open(own);
        Assert.Equal(7, r.RowGroups.Count);
    }

    [Fact]
    public void OwnAndBufferedRowGroupsMixAndReadBackInOrder()
    {
        var t = new SampleTable(1500, seed: 22);
        string path = _dir.File("mixed.parquet");
        // Batches 0-1 and 4 buffered (one 128 MiB row group would hold them all), 2-3 and 5 their own row groups.
        t.WriteFile(path, new ParquetWriterOptions { PageSize = 500 }, batch: 250, ownRowGroup: b => b is 2 or 3 or 5);
        using var r = ParquetReader.Open(path);
        Assert.Equal([500L, 250, 250, 250, 250], r.RowGroups.Select(g => g.RowCount));
        var ids = r.ReadRowGroups(["id"]).SelectMany(g => g["id"].Values<long>().ToArray()).ToArray();
        Assert.Equal(t.Id, ids);
        var vec = Enumerable.Range(0, r.RowGroups.Count).SelectMany(g => r.ReadFloatMatrix(g, "vec", out _)).ToArray();
        Assert.Equal(t.Vec, vec);
        var tok = r.ReadRowGroups(["tok"]).SelectMany(g => g["tok"].ToRows()).Cast<string?>().ToArray();
        Assert.Equal(t.Tok, tok);
        var duck = DuckDb.Query($"select count(*)::bigint as n, count(tok)::bigint as toks, sum(list_sum(vec))::double as total from read_parquet({DuckDb.Lit(path)})")[0][0]!;
        Assert.Equal(t.Rows, long.Parse(duck["n"]!.ToString()));
        Assert.Equal(t.Tok.Count(s => s is not null), long.Parse(duck["toks"]!.ToString()));
        Assert.Equal(t.Vec.Sum(x => (double)x), double.Parse(duck["total"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture), 6);
    }

    [Fact]
    public void AnOwnRowGroupSpillsNothingButADictionaryColumnsPages()
    {
        var t = new SampleTable(3000, seed: 23);
        string path = _dir.File("direct.parquet");
        using var w = ParquetWriter.Create(path, SampleTable.Fields, new ParquetWriterOptions { PageSize = 500, ColumnMemoryLimit = 1 });
        w.BeginRowGroup();
        t.WriteBatch(w, 0, t.Rows);
        // Every page would have spilled at this limit; only "tok" (column 2), whose dictionary page must come first, held its pages.
        var spills = Directory.GetFiles(_dir.Path, ".direct.parquet.*.c*.tmp").Select(f => f[f.LastIndexOf(".c", StringComparison.Ordinal)..]).ToArray();
        Assert.Equal([".c2.tmp"], spills);
        w.Finish();
        using var r = ParquetReader.Open(path);
        Assert.Equal(t.Id, r.ReadRowGroups(["id"]).SelectMany(g => g["id"].Values<long>().ToArray()));
    }

    [Fact]
    public void ColumnsOutOfOrderAreRefusedAndTheFileIsNotWritten()
    {
        string path = _dir.File("bad.parquet");
        long[] ids = [1, 2, 3];
        int[] values = [4, 5, 6];
        ParquetField[] fields = [ParquetField.Int64("a"), ParquetField.Int32("b"), ParquetField.Int32("c")];

        using (var w = ParquetWriter.Create(path, fields))
        {
            w.BeginRowGroup();
            var skipped = Assert.Throws<ArgumentException>(() => w.WriteInt32("b", values));
            Assert.Contains("'b' came before column 'a'", skipped.Message);
            var after = Assert.Throws<InvalidOperationException>(() => w.Finish());
            Assert.Contains("dispose it", after.Message);
        }
        using (var w = ParquetWriter.Create(path, fields))
        {
            w.BeginRowGroup();
            w.WriteInt64("a", ids);
            w.WriteInt32("b", values);
            var back = Assert.Throws<ArgumentException>(() => w.WriteInt64("a", ids));
            Assert.Contains("'a' was already written", back.Message);
        }
        using (var w = ParquetWriter.Create(path, fields))
        {
            w.BeginRowGroup();
            w.WriteInt64("a", ids);
            w.WriteInt32("b", values[..2]);
            var rows = Assert.Throws<ArgumentException>(() => w.WriteInt32("c", values));
            Assert.Contains("'b' has 2 rows in this row group but column 'a' has 3", rows.Message);
        }
        using (var w = ParquetWriter.Create(path, fields))
        {
            w.BeginRowGroup();
            w.WriteInt64("a", ids);
            w.WriteInt32("b", values);
            var missing = Assert.Throws<ArgumentException>(() => w.EndBatch());
            Assert.Contains("'c' got no rows", missing.Message);
        }
        using (var w = ParquetWriter.Create(path, fields))
        {
            w.BeginRowGroup();
            w.WriteInt64("a", ids);
            Assert.Throws<InvalidOperationException>(() => w.Finish()); // still open: EndBatch first
        }
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }
}

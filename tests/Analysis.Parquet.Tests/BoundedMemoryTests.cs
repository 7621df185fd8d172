namespace Analysis.Parquet.Tests;

/// <summary>
/// The writer's memory is bounded by pages, not row groups: column chunks past <see cref="ParquetWriterOptions.ColumnMemoryLimit"/>
/// wait in temporary files, and narrow columns end a page every <see cref="ParquetWriterOptions.PageRowLimit"/> rows.
/// Neither may change what a reader sees.
/// </summary>
public sealed class BoundedMemoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ParquetCompression.Uncompressed, 1)]
    [InlineData(ParquetCompression.Zstd, 2)]
    public void SpilledChunksGiveTheSameFileByteForByte(ParquetCompression codec, int pageVersion)
    {
        var t = new SampleTable(3000, seed: 11);
        var options = new ParquetWriterOptions { Compression = codec, DataPageVersion = pageVersion, PageSize = 1500, RowGroupSize = 60_000 };
        string inMemory = _dir.File("memory.parquet"), spilled = _dir.File("spilled.parquet");
        t.WriteFile(inMemory, options with { ColumnMemoryLimit = int.MaxValue });
        t.WriteFile(spilled, options with { ColumnMemoryLimit = 1 });
        Assert.Equal(File.ReadAllBytes(inMemory), File.ReadAllBytes(spilled));
        using var r = ParquetReader.Open(spilled);
        Assert.True(r.RowGroups.Count > 1, "several row groups, so each spill file is reused");
        Assert.Equal(["memory.parquet", "spilled.parquet"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void SpillFilesLiveBesideTheOutputOnlyWhileWriting()
    {
        var t = new SampleTable(2000, seed: 3);
        string path = _dir.File("open.parquet");
        var w = ParquetWriter.Create(path, SampleTable.Fields, new ParquetWriterOptions { PageSize = 1000, ColumnMemoryLimit = 4096 });
        t.WriteBatch(w, 0, t.Rows);
        var spills = Directory.GetFiles(_dir.Path, ".open.parquet.*.c*.tmp");
        Assert.NotEmpty(spills); // pages went to disk, so memory held less than the row group
        w.Dispose(); // abandoned: no output, no temporaries
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void NarrowColumnsEndAPageEveryPageRowLimitRows()
    {
        string path = _dir.File("rows.parquet");
        var ids = Enumerable.Range(0, 1000).Select(i => (long)i).ToArray();
        using (var w = ParquetWriter.Create(path, [ParquetField.Int64("id"), ParquetField.String("s")], new ParquetWriterOptions { PageRowLimit = 300 }))
        {
            w.WriteInt64("id", ids);
            w.WriteStrings("s", ids.Select(i => (string?)$"v{i % 7}").ToArray());
            w.EndBatch();
            w.Finish();
        }
        var pages = RawParquetFile.DataPageValueCounts(path);
        Assert.Equal([300, 300, 300, 100], pages["id"]);
        Assert.Equal([300, 300, 300, 100], pages["s"]);
        using var r = ParquetReader.Open(path);
        Assert.Equal(ids, r.ReadRowGroups().SelectMany(g => g["id"].Values<long>().ToArray()));
        var duck = DuckDb.Query($"select count(*)::bigint as n, sum(id)::bigint as total, count(distinct s)::bigint as distinct_s from read_parquet({DuckDb.Lit(path)})")[0][0]!;
        Assert.Equal(1000, long.Parse(duck["n"]!.ToString()));
        Assert.Equal(ids.Sum(), long.Parse(duck["total"]!.ToString()));
        Assert.Equal(7, long.Parse(duck["distinct_s"]!.ToString()));
    }
}

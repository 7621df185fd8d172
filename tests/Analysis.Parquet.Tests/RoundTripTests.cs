namespace Analysis.Parquet.Tests;

/// <summary>Our reader gives back exactly what our writer was given, including the vector fast path and statistics skipping.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ParquetCompression.Uncompressed, 1)]
    [InlineData(ParquetCompression.Zstd, 2)]
    [InlineData(ParquetCompression.Snappy, 1)]
    public void EveryColumnComesBackExactly(ParquetCompression codec, int pageVersion)
    {
        var t = new SampleTable(1000, seed: 7);
        string path = _dir.File("rt.parquet");
        t.WriteFile(path, new ParquetWriterOptions { Compression = codec, DataPageVersion = pageVersion, PageSize = 2000, RowGroupSize = 30_000 });
        using var r = ParquetReader.Open(path);
        Assert.Equal(1000, r.RowCount);
        Assert.True(r.RowGroups.Count > 1);
        var ids = new List<long>(); var pos = new List<object?>(); var tok = new List<object?>(); var flags = new List<object?>();
        var vec = new List<float>(); var half = new List<object?>(); var ts = new List<object?>();
        foreach (var g in r.ReadRowGroups())
        {
            ids.AddRange(g["id"].Values<long>().ToArray());
            pos.AddRange(g["pos"].ToRows());
            tok.AddRange(g["tok"].ToRows());
            flags.AddRange(g["flag"].ToRows());
            half.AddRange(g["half.list.element"].ToRows());
            ts.AddRange(g["ts"].ToRows());
        }
        for (int gi = 0; gi < r.RowGroups.Count; gi++) vec.AddRange(r.ReadFloatMatrix(gi, "vec", out int dim).Select(x => x));
        Assert.Equal(t.Id, ids);
        Assert.Equal(t.Pos.Select((p, i) => t.PosPresent[i] ? (object?)(long)p : null), pos);
        Assert.Equal(t.Tok, tok.Cast<string?>());
        Assert.Equal(t.Flag.Cast<object?>(), flags);
        Assert.Equal(t.Vec, vec);
        Assert.Equal(t.Micros.Select(m => (object?)DateTime.UnixEpoch.AddTicks(m * 10)), ts);
        for (int i = 0; i < t.Rows; i++)
        {
            if (!t.HalfPresent[i]) { Assert.Null(half[i]); continue; }
            var row = Assert.IsAssignableFrom<IReadOnlyList<object?>>(half[i]);
            Assert.Equal(Enumerable.Range(0, SampleTable.HalfDim).Select(k => (object?)(double)t.HalfVec[i * SampleTable.HalfDim + k]), row);
        }
    }

    [Fact]
    public void Float16VectorsReadIntoFloats()
    {
        string path = _dir.File("h.parquet");
        var values = Enumerable.Range(0, 30).Select(i => (float)(Half)(i * 0.37f)).ToArray();
        using (var w = ParquetWriter.Create(path, [ParquetField.Float16Vector("h", 3)]))
        {
            w.WriteHalfVectors("h", values);
            w.EndBatch();
            w.Finish();
        }
        using var r = ParquetReader.Open(path);
        Assert.Equal(values, r.ReadFloatMatrix(0, "h", out int dim));
        Assert.Equal(3, dim);
    }

    [Fact]
    public void StatisticsSkipRowGroupsThatCannotMatch()
    {
        string path = _dir.File("s.parquet");
        using (var w = ParquetWriter.Create(path, [ParquetField.Int64("id")], new ParquetWriterOptions { RowGroupSize = 800 }))
        {
            for (long s = 0; s < 1000; s += 100)
            {
                w.WriteInt64("id", Enumerable.Range(0, 100).Select(i => s + i).ToArray());
                w.EndBatch();
            }
            w.Finish();
        }
        using var r = ParquetReader.Open(path);
        Assert.Equal(10, r.RowGroups.Count);
        Assert.Equal([3, 4], r.RowGroupsOverlapping("id", 350L, 420L));
        Assert.Equal(0L, r.RowGroups[0].Statistics[0].Min);
        Assert.Equal(99L, r.RowGroups[0].Statistics[0].Max);
    }
}

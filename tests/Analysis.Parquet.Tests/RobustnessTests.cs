namespace Analysis.Parquet.Tests;

/// <summary>Corrupt input fails with a <see cref="ParquetFormatException"/> naming the file, never a hang, crash or absurd allocation.</summary>
public sealed class RobustnessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private byte[] ValidFile(ParquetCompression codec = ParquetCompression.Snappy, int pageVersion = 1)
    {
        string path = _dir.File($"valid-{codec}-{pageVersion}.parquet");
        new SampleTable(200, seed: 5).WriteFile(path, new ParquetWriterOptions { Compression = codec, DataPageVersion = pageVersion, PageSize = 500, RowGroupSize = 6000 });
        return File.ReadAllBytes(path);
    }

    /// <summary>Opens and fully decodes a file; returns the exception if any.</summary>
    private static Exception? ReadAll(string path)
    {
        try
        {
            using var r = ParquetReader.Open(path);
            foreach (var g in r.ReadRowGroups()) foreach (var c in g.Values) c.ToRows();
            for (int g = 0; g < r.RowGroups.Count; g++) r.ReadFloatMatrix(g, "vec", out _);
            return null;
        }
        catch (Exception e) { return e; }
    }

    private string Write(string name, byte[] bytes) { string p = _dir.File(name); File.WriteAllBytes(p, bytes); return p; }

    [Fact]
    public void TruncatedWrongMagicAndBadFooterLengthAreNamed()
    {
        var valid = ValidFile();
        var cases = new Dictionary<string, byte[]>
        {
            ["empty"] = [],
            ["truncated"] = valid[..(valid.Length / 2)],
            ["wrong-magic"] = [.. "PAR2"u8, .. valid[4..]],
            ["footer-too-long"] = Patch(valid, valid.Length - 8, BitConverter.GetBytes(int.MaxValue)),
            ["footer-negative"] = Patch(valid, valid.Length - 8, BitConverter.GetBytes(-5)),
            ["footer-too-short"] = Patch(valid, valid.Length - 8, BitConverter.GetBytes(3)),
        };
        foreach (var (name, bytes) in cases)
        {
            string path = Write(name + ".parquet", bytes);
            var e = ReadAll(path);
            var pe = Assert.IsType<ParquetFormatException>(e);
            Assert.Contains(path, pe.Message);
        }
    }

    [Fact]
    public void ChunkOffsetsOutsideTheFileAreRejected()
    {
        var valid = ValidFile(ParquetCompression.Uncompressed);
        // Zero the first column's data: its page header becomes garbage.
        var zeroed = (byte[])valid.Clone();
        Array.Clear(zeroed, 4, 40);
        Assert.IsType<ParquetFormatException>(ReadAll(Write("zeroed.parquet", zeroed)));
        // Cut the file just before the footer but keep a valid-looking tail: offsets now point past the end.
        int footerLength = BitConverter.ToInt32(valid, valid.Length - 8);
        var footer = valid[(valid.Length - 8 - footerLength)..];
        byte[] shortened = [.. valid[..100], .. footer];
        Assert.IsType<ParquetFormatException>(ReadAll(Write("shortened.parquet", shortened)));
    }

    [Fact]
    public void MissingFileIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ParquetReader.Open(_dir.File("nope.parquet")));

    [Fact]
    public void RandomMutationsNeverCrashOrHang()
    {
        // A fixed budget of mutated files: flipped bytes, overwritten ints, truncations. Only ParquetFormatException
        // (or ArgumentException from the vector fast path refusing a column whose shape changed) may escape.
        var sources = new[] { ValidFile(ParquetCompression.Uncompressed), ValidFile(ParquetCompression.Zstd, 2), ValidFile(ParquetCompression.Snappy) };
        var rng = new Random(12345);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        int tried = 0;
        while (DateTime.UtcNow < deadline && tried < 3000)
        {
            var bytes = (byte[])sources[tried % sources.Length].Clone();
            int mutations = 1 + rng.Next(4);
            for (int m = 0; m < mutations; m++)
            {
                int at = rng.Next(bytes.Length);
                switch (rng.Next(3))
                {
                    case 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                    case 1: bytes[at] = (byte)rng.Next(256); break;
                    default:
                        if (at + 4 <= bytes.Length) BitConverter.GetBytes(rng.Next(2) == 0 ? int.MaxValue : rng.Next(-10, 100_000)).CopyTo(bytes, at);
                        break;
                }
            }
            string path = Write("fuzz.parquet", bytes);
            var e = ReadAll(path);
            Assert.True(e is null or ParquetFormatException or ArgumentException, $"mutation {tried} escaped as {e}");
            tried++;
        }
        Assert.True(tried > 100, $"only {tried} mutations ran");
    }

    private static byte[] Patch(byte[] source, int at, byte[] with)
    {
        var b = (byte[])source.Clone();
        with.CopyTo(b, at);
        return b;
    }
}

/// <summary>Page headers that claim absurd sizes are refused before any buffer of that size is allocated.</summary>
public sealed class AbsurdSizeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<Format.SchemaElement> Schema() =>
    [
        new() { Name = "schema", NumChildren = 1 },
        new() { Name = "x", Repetition = ParquetRepetition.Optional, Type = ParquetPhysicalType.Int32 },
    ];

    private static RawParquetFile.Page OnePage()
    {
        var def = new System.Buffers.ArrayBufferWriter<byte>();
        Encodings.RleHybridEncoder.Encode<byte>([1, 1, 1], 1, def);
        return new RawParquetFile.Page([], def.WrittenSpan.ToArray(), [.. new[] { 1, 2, 3 }.SelectMany(BitConverter.GetBytes)], Format.Encoding.Plain);
    }

    private void AssertRefusedCheaply(string name, ParquetCompression codec, Action<Format.PageHeader, Format.ColumnMetaData> tweak, string expected)
    {
        string path = _dir.File(name);
        RawParquetFile.Write(path, Schema(), [(OnePage(), 3, ["x"])], rows: 3, codec, tweak);
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var r = ParquetReader.Open(path);
        var e = Assert.Throws<ParquetFormatException>(() => r.ReadColumn(0, "x"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, $"{name}: allocated {(GC.GetAllocatedBytesForCurrentThread() - before) >> 20} MiB before failing");
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HugeUncompressedPageSizesAreRefused()
    {
        foreach (var codec in new[] { ParquetCompression.Zstd, ParquetCompression.Snappy, ParquetCompression.Gzip, ParquetCompression.Lz4Raw })
            AssertRefusedCheaply($"huge-{codec}.parquet", codec, (h, _) => h.UncompressedPageSize = 900 << 20, "page header says");
    }

    [Fact]
    public void PagesClaimingBillionsOfValuesAreRefused() =>
        AssertRefusedCheaply("many.parquet", ParquetCompression.Uncompressed, (h, m) => { h.NumValues = int.MaxValue; m.NumValues = long.MaxValue; }, "not plausible");
}

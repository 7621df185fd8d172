using System.Buffers;
using Analysis.Parquet.Encodings;
using Analysis.Parquet.Format;
using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Tests;

/// <summary>
/// Layouts DuckDB does not write but other writers do: the legacy 2-level LIST (repeated leaf inside a LIST group),
/// a bare repeated field, and DELTA_BYTE_ARRAY strings. The file is assembled page by page here and DuckDB must
/// read it the same way we do.
/// </summary>
public sealed class LegacyLayoutTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TwoLevelListsBareRepeatedAndDeltaByteArrayMatchDuckDb()
    {
        string path = _dir.File("legacy.parquet");
        var schema = new List<SchemaElement>
        {
            new() { Name = "schema", NumChildren = 3 },
            new() { Name = "a", Repetition = ParquetRepetition.Optional, NumChildren = 1, ConvertedType = ParquetConvertedType.List },
            new() { Name = "array", Repetition = ParquetRepetition.Repeated, Type = ParquetPhysicalType.Int32 },
            new() { Name = "b", Repetition = ParquetRepetition.Repeated, Type = ParquetPhysicalType.Int32 },
            new() { Name = "c", Repetition = ParquetRepetition.Optional, Type = ParquetPhysicalType.ByteArray, ConvertedType = ParquetConvertedType.Utf8 },
        };
        // a = [1,2], null, [], [3]   (max def 2, max rep 1)
        var a = new RawParquetFile.Page(Rle([0, 1, 0, 0, 0], 1), Rle([2, 2, 0, 1, 2], 2), Plain(1, 2, 3), Format.Encoding.Plain);
        // b = [5], [], [6,7], []      (max def 1, max rep 1)
        var b = new RawParquetFile.Page(Rle([0, 0, 0, 1, 0], 1), Rle([1, 0, 1, 1, 0], 1), Plain(5, 6, 7), Format.Encoding.Plain);
        // c = "apple", "applesauce", null, "apply" as DELTA_BYTE_ARRAY: prefix lengths, then DELTA_LENGTH suffixes.
        var c = new RawParquetFile.Page([], Rle([1, 1, 0, 1], 1), DeltaByteArray(("", "apple"), ("apple", "sauce"), ("appl", "y")), Format.Encoding.DeltaByteArray);
        RawParquetFile.Write(path, schema, [(a, 5, ["a", "array"]), (b, 5, ["b"]), (c, 4, ["c"])], rows: 4);

        using var reader = ParquetReader.Open(path);
        var ours = reader.Schema.Children.Select(f => reader.ReadColumn(0, reader.Columns.First(col => col.FieldName == f.Name)).ToRows()).ToList();
        Assert.Equal(Rows([1L, 2L], null, Array.Empty<long>(), [3L]), Render(ours[0]));
        Assert.Equal(Rows([5L], Array.Empty<long>(), [6L, 7L], Array.Empty<long>()), Render(ours[1]));
        Assert.Equal(["apple", "applesauce", null, "apply"], ours[2]);

        var duck = DuckDb.Query($"select * from read_parquet({DuckDb.Lit(path)})")[0];
        Assert.Equal(4, duck.Count);
        for (int r = 0; r < 4; r++)
        {
            ReaderInteropTests.AssertSame(duck[r]!["a"], ours[0][r], $"a row {r}");
            ReaderInteropTests.AssertSame(duck[r]!["b"], ours[1][r], $"b row {r}");
            ReaderInteropTests.AssertSame(duck[r]!["c"], ours[2][r], $"c row {r}");
        }
    }

    private static List<string> Rows(params long[]?[] rows) => [.. rows.Select(r => r is null ? "null" : "[" + string.Join(",", r) + "]")];

    private static List<string> Render(IReadOnlyList<object?> rows) =>
        [.. rows.Select(r => r is null ? "null" : "[" + string.Join(",", ((IReadOnlyList<object?>)r).Select(x => x!.ToString())) + "]")];

    private static byte[] Rle(byte[] levels, int bitWidth)
    {
        var w = new ArrayBufferWriter<byte>();
        RleHybridEncoder.Encode<byte>(levels, bitWidth, w);
        return w.WrittenSpan.ToArray();
    }

    private static byte[] Plain(params int[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    private static byte[] DeltaByteArray(params (string Prefix, string Suffix)[] values)
    {
        var w = new ArrayBufferWriter<byte>();
        DeltaBinaryPackedEncoder.Encode([.. values.Select(v => (long)v.Prefix.Length)], w);
        var suffixes = values.Select(v => System.Text.Encoding.UTF8.GetBytes(v.Suffix)).ToList();
        DeltaBinaryPackedEncoder.Encode([.. suffixes.Select(s => (long)s.Length)], w);
        foreach (var s in suffixes) { s.CopyTo(w.GetSpan(s.Length)); w.Advance(s.Length); }
        return w.WrittenSpan.ToArray();
    }
}

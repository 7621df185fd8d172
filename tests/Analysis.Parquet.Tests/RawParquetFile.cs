using System.Buffers;
using Analysis.Parquet.Compression;
using Analysis.Parquet.Format;
using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Tests;

/// <summary>Assembles Parquet files page by page from the format structs, for layouts and corruptions no writer produces.</summary>
internal static class RawParquetFile
{
    /// <summary>One v1 data page: encoded levels (without length prefixes) and values.</summary>
    public sealed record Page(byte[] Rep, byte[] Def, byte[] Values, Format.Encoding Encoding);

    /// <summary>Writes one row group with one data page per column; <paramref name="tweak"/> may corrupt headers and metadata on the way.</summary>
    public static void Write(string path, List<SchemaElement> schema, List<(Page Page, int Levels, List<string> Path)> columns, int rows,
        ParquetCompression codec = ParquetCompression.Uncompressed, Action<PageHeader, ColumnMetaData>? tweak = null)
    {
        using var file = File.Create(path);
        file.Write("PAR1"u8);
        var group = new RowGroup { NumRows = rows };
        foreach (var (page, levels, columnPath) in columns)
        {
            var body = new ArrayBufferWriter<byte>();
            foreach (var part in new[] { page.Rep, page.Def })
            {
                if (part.Length == 0) continue;
                BitConverter.GetBytes(part.Length).CopyTo(body.GetSpan(4)); body.Advance(4);
                part.CopyTo(body.GetSpan(part.Length)); body.Advance(part.Length);
            }
            page.Values.CopyTo(body.GetSpan(page.Values.Length)); body.Advance(page.Values.Length);
            var compressed = new ArrayBufferWriter<byte>();
            PageCompression.Compress(codec, body.WrittenSpan, compressed);
            var header = new PageHeader
            {
                Type = PageType.DataPage, NumValues = levels, Encoding = page.Encoding,
                UncompressedPageSize = body.WrittenCount, CompressedPageSize = compressed.WrittenCount,
            };
            var leaf = schema.Last(e => e.Name == columnPath[^1]);
            var meta = new ColumnMetaData
            {
                Type = leaf.Type!.Value, Encodings = [page.Encoding, Format.Encoding.Rle], PathInSchema = columnPath, Codec = codec, NumValues = levels,
            };
            tweak?.Invoke(header, meta);
            long offset = file.Position;
            var h = new CompactWriter();
            header.Write(h);
            file.Write(h.Output.WrittenSpan);
            file.Write(compressed.WrittenSpan);
            meta.TotalUncompressedSize = meta.TotalCompressedSize = file.Position - offset;
            meta.DataPageOffset = offset;
            group.Columns.Add(new ColumnChunk { FileOffset = offset, MetaData = meta });
            group.TotalByteSize += meta.TotalCompressedSize;
        }
        var footer = new CompactWriter();
        new FileMetaData { Schema = schema, NumRows = rows, RowGroups = [group], CreatedBy = "hand-built test file" }.Write(footer);
        file.Write(footer.Output.WrittenSpan);
        file.Write(BitConverter.GetBytes(footer.Output.WrittenCount));
        file.Write("PAR1"u8);
    }

    /// <summary>The value count of every data page, per column (first path element), read from the page headers.</summary>
    public static Dictionary<string, List<int>> DataPageValueCounts(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int footerLength = BitConverter.ToInt32(bytes, bytes.Length - 8);
        var footer = new CompactReader(bytes.AsSpan(bytes.Length - 8 - footerLength, footerLength));
        var meta = FileMetaData.Read(ref footer);
        var counts = new Dictionary<string, List<int>>();
        foreach (var chunk in meta.RowGroups.SelectMany(g => g.Columns))
        {
            var m = chunk.MetaData!;
            long position = m.DictionaryPageOffset ?? m.DataPageOffset, end = position + m.TotalCompressedSize;
            var list = counts.TryGetValue(m.PathInSchema[0], out var l) ? l : counts[m.PathInSchema[0]] = [];
            while (position < end)
            {
                var reader = new CompactReader(bytes.AsSpan((int)position));
                var header = PageHeader.Read(ref reader);
                if (header.Type != PageType.DictionaryPage) list.Add(header.NumValues);
                position += reader.Position + header.CompressedPageSize;
            }
        }
        return counts;
    }
}

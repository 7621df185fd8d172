using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Analysis.Parquet.Compression;
using Analysis.Parquet.Encodings;
using Analysis.Parquet.Format;
using Analysis.Parquet.Thrift;
using Encoding = Analysis.Parquet.Format.Encoding;

namespace Analysis.Parquet.Reading;

/// <summary>
/// Walks the pages of one column chunk (already read into memory): decompresses each, decodes its levels, and
/// decodes its values into fixed-width bytes or a <see cref="ByteArrayBuilder"/>. Every size read from the file is
/// checked against the bytes that exist before anything is allocated.
/// </summary>
internal sealed class ColumnChunkDecoder
{
    private readonly ParquetColumn _column;
    private readonly ColumnMetaData _meta;
    private readonly byte[] _chunk;
    private readonly int _chunkLength;
    private readonly long _maxValues;
    private int _pos;
    private long _valuesSeen;
    private byte[] _page = [];
    // The current page's bytes: the chunk itself for uncompressed pages, else the decompression buffer.
    private byte[] _buf = [];
    private int _bufOffset;
    private byte[]? _dictFixed;
    private ByteArrayBuilder? _dictBytes;
    private int _dictCount;

    // The current data page.
    public byte[] Rep = [], Def = [];
    public int Levels, NonNull;
    private int _valuesStart, _valuesEnd;
    private Encoding _encoding;

    public int Width { get; }

    public ColumnChunkDecoder(ParquetColumn column, ColumnMetaData meta, byte[] chunk, int chunkLength, long maxValues)
    {
        _column = column;
        _meta = meta;
        _chunk = chunk;
        _chunkLength = chunkLength;
        _maxValues = maxValues;
        Width = column.PhysicalType switch
        {
            ParquetPhysicalType.Boolean => 1,
            ParquetPhysicalType.Int32 or ParquetPhysicalType.Float => 4,
            ParquetPhysicalType.Int64 or ParquetPhysicalType.Double => 8,
            ParquetPhysicalType.Int96 => 12,
            ParquetPhysicalType.FixedLenByteArray => column.Leaf.TypeLength,
            _ => 0,
        };
    }

    private ParquetFormatException Corrupt(string what) => new($"column '{_column.DottedPath}': {what}");

    /// <summary>Moves to the next data page; false at the end of the chunk.</summary>
    public bool NextPage()
    {
        while (_pos < _chunkLength && _valuesSeen < _meta.NumValues)
        {
            var reader = new CompactReader(_chunk.AsSpan(_pos, _chunkLength - _pos));
            PageHeader h;
            try { h = PageHeader.Read(ref reader); }
            catch (ParquetFormatException e) { throw Corrupt($"a page header at chunk offset {_pos} is unreadable ({e.Message})"); }
            _pos += reader.Position;
            if (h.CompressedPageSize < 0 || h.CompressedPageSize > _chunkLength - _pos)
                throw Corrupt($"a page claims {h.CompressedPageSize} bytes but only {_chunkLength - _pos} remain in the column chunk");
            if (h.UncompressedPageSize < 0 || h.UncompressedPageSize > 1 << 30 || (h.UncompressedPageSize > 0 && h.CompressedPageSize == 0))
                throw Corrupt($"a page claims an uncompressed size of {h.UncompressedPageSize} bytes, which is not plausible");
            int bodyOffset = _pos;
            _pos += h.CompressedPageSize;
            switch (h.Type)
            {
                case PageType.DictionaryPage when h.HasDictionaryPage:
                    ReadDictionary(h, bodyOffset);
                    continue;
                case PageType.DataPage when h.HasDataPage:
                    ReadDataPageV1(h, bodyOffset);
                    return true;
                case PageType.DataPageV2 when h.HasDataPageV2:
                    ReadDataPageV2(h, bodyOffset);
                    return true;
                case PageType.IndexPage:
                    continue;
                default:
                    throw Corrupt($"a page of type {(int)h.Type} has no matching header");
            }
        }
        return false;
    }

    /// <summary>Most values a page may claim without at least one bit of page data per value (only RLE runs get there).</summary>
    private const int ImplausibleValueCount = 1 << 20;

    private void CheckCount(int numValues, int pageBytes)
    {
        if (numValues < 0 || _valuesSeen + numValues > _maxValues) throw Corrupt($"a page claims {numValues} values, more than the column chunk holds");
        if (numValues > ImplausibleValueCount && numValues > (long)pageBytes * 8)
            throw Corrupt($"a page of {pageBytes} bytes claims {numValues} values, which is not plausible");
        _valuesSeen += numValues;
    }

    /// <summary>Makes the page body at <paramref name="offset"/> available uncompressed in _buf.</summary>
    private ReadOnlySpan<byte> Decompress(int offset, int compressedSize, int size)
    {
        if (_meta.Codec == ParquetCompression.Uncompressed)
        {
            if (compressedSize != size) throw Corrupt($"an uncompressed page holds {compressedSize} bytes but its header says {size}");
            _buf = _chunk;
            _bufOffset = offset;
            return _chunk.AsSpan(offset, size);
        }
        string? implausible = PageCompression.CheckDeclaredSize(_meta.Codec, _chunk.AsSpan(offset, compressedSize), size);
        if (implausible is not null) throw Corrupt(implausible);
        if (_page.Length < size) _page = new byte[Math.Max(size, _page.Length * 2)];
        string? error = PageCompression.Decompress(_meta.Codec, _chunk.AsSpan(offset, compressedSize), _page.AsSpan(0, size));
        if (error is not null) throw Corrupt(error);
        _buf = _page;
        _bufOffset = 0;
        return _page.AsSpan(0, size);
    }

    private void ReadDictionary(PageHeader h, int offset)
    {
        var data = Decompress(offset, h.CompressedPageSize, h.UncompressedPageSize);
        if (h.NumValues < 0 || (Width > 0 && (long)h.NumValues * Width > data.Length) || (Width == 0 && (long)h.NumValues * 4 > data.Length))
            throw Corrupt($"the dictionary claims {h.NumValues} values but its page holds only {data.Length} bytes");
        if (h.Encoding is not (Encoding.Plain or Encoding.PlainDictionary)) throw Corrupt($"the dictionary page uses encoding {h.Encoding}, not PLAIN");
        _dictCount = h.NumValues;
        if (Width > 0)
        {
            _dictFixed = new byte[h.NumValues * Width];
            if (_column.PhysicalType == ParquetPhysicalType.Boolean) DecodePlainBooleans(data, _dictFixed);
            else data[.._dictFixed.Length].CopyTo(_dictFixed);
        }
        else
        {
            _dictBytes = new ByteArrayBuilder();
            DecodePlainByteArrays(data, h.NumValues, _dictBytes);
        }
    }

    private void ReadDataPageV1(PageHeader h, int offset)
    {
        CheckCount(h.NumValues, h.UncompressedPageSize);
        var data = Decompress(offset, h.CompressedPageSize, h.UncompressedPageSize);
        int p = 0;
        Levels = h.NumValues;
        p += ReadLevels(data[p..], _column.MaxRepetitionLevel, h.RepetitionLevelEncoding, ref Rep, lengthPrefixed: true, -1);
        p += ReadLevels(data[p..], _column.MaxDefinitionLevel, h.DefinitionLevelEncoding, ref Def, lengthPrefixed: true, -1);
        CountNonNull();
        _valuesStart = p;
        _valuesEnd = data.Length;
        _encoding = h.Encoding;
    }

    private void ReadDataPageV2(PageHeader h, int offset)
    {
        CheckCount(h.NumValues, h.UncompressedPageSize);
        var body = _chunk.AsSpan(offset, h.CompressedPageSize);
        int levelBytes = h.RepetitionLevelsByteLength + h.DefinitionLevelsByteLength;
        if (h.RepetitionLevelsByteLength < 0 || h.DefinitionLevelsByteLength < 0 || levelBytes > body.Length || levelBytes > h.UncompressedPageSize)
            throw Corrupt("a v2 page's level lengths exceed the page");
        Levels = h.NumValues;
        // Levels in v2 pages are never compressed; copy them next to the values.
        int valuesSize = h.UncompressedPageSize - levelBytes;
        var compressedValues = body[levelBytes..];
        if (h.IsCompressed && _meta.Codec != ParquetCompression.Uncompressed)
        {
            string? implausible = PageCompression.CheckDeclaredSize(_meta.Codec, compressedValues, valuesSize);
            if (implausible is not null) throw Corrupt(implausible);
            if (_page.Length < h.UncompressedPageSize) _page = new byte[Math.Max(h.UncompressedPageSize, _page.Length * 2)];
            body[..levelBytes].CopyTo(_page);
            string? error = PageCompression.Decompress(_meta.Codec, compressedValues, _page.AsSpan(levelBytes, valuesSize));
            if (error is not null) throw Corrupt(error);
            _buf = _page;
            _bufOffset = 0;
        }
        else
        {
            // Nothing is compressed: decode in place.
            if (compressedValues.Length != valuesSize) throw Corrupt("a v2 page's sizes do not add up");
            _buf = _chunk;
            _bufOffset = offset;
        }
        var data = _buf.AsSpan(_bufOffset, h.UncompressedPageSize);
        ReadLevels(data[..h.RepetitionLevelsByteLength], _column.MaxRepetitionLevel, Encoding.Rle, ref Rep, lengthPrefixed: false, h.RepetitionLevelsByteLength);
        ReadLevels(data.Slice(h.RepetitionLevelsByteLength, h.DefinitionLevelsByteLength), _column.MaxDefinitionLevel, Encoding.Rle, ref Def, lengthPrefixed: false, h.DefinitionLevelsByteLength);
        CountNonNull();
        _valuesStart = levelBytes;
        _valuesEnd = h.UncompressedPageSize;
        _encoding = h.Encoding;
    }

    private void CountNonNull()
    {
        if (_column.MaxDefinitionLevel == 0) { NonNull = Levels; return; }
        NonNull = Def.AsSpan(0, Levels).Count((byte)_column.MaxDefinitionLevel);
    }

    private int ReadLevels(ReadOnlySpan<byte> data, int maxLevel, Encoding encoding, ref byte[] levels, bool lengthPrefixed, int length)
    {
        if (levels.Length < Levels) levels = new byte[Math.Max(Levels, levels.Length * 2)];
        var dest = levels.AsSpan(0, Levels);
        if (maxLevel == 0) { dest.Clear(); return 0; }
        int bitWidth = Writing.ColumnWriter.BitWidth(maxLevel);
        int used;
        try
        {
            if (encoding == Encoding.BitPacked)
            {
                // Legacy levels: bit-packed most significant bit first, no length prefix.
                long bits = (long)Levels * bitWidth;
                used = (int)((bits + 7) / 8);
                if (used > data.Length) throw Corrupt("BIT_PACKED levels are cut off");
                for (int i = 0; i < Levels; i++)
                {
                    int v = 0;
                    for (int b = 0; b < bitWidth; b++)
                    {
                        long bit = (long)i * bitWidth + b;
                        v = (v << 1) | ((data[(int)(bit >> 3)] >> (7 - (int)(bit & 7))) & 1);
                    }
                    dest[i] = (byte)v;
                }
            }
            else if (encoding == Encoding.Rle)
            {
                ReadOnlySpan<byte> run;
                if (lengthPrefixed)
                {
                    if (data.Length < 4) throw Corrupt("a level length prefix is cut off");
                    int n = BinaryPrimitives.ReadInt32LittleEndian(data);
                    if (n < 0 || n > data.Length - 4) throw Corrupt($"levels claim {n} bytes but the page holds {data.Length - 4}");
                    run = data.Slice(4, n);
                    used = 4 + n;
                }
                else { run = data[..length]; used = length; }
                new RleHybridDecoder(run, bitWidth).Read(dest);
            }
            else throw Corrupt($"levels use encoding {encoding}, which is not RLE or BIT_PACKED");
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith("column '", StringComparison.Ordinal)) { throw Corrupt(e.Message); }
        if (maxLevel < 255 && dest.IndexOfAnyInRange((byte)(maxLevel + 1), byte.MaxValue) is var bad and >= 0)
            throw Corrupt($"a level of {dest[bad]} exceeds the maximum {maxLevel}");
        return used;
    }

    /// <summary>Decodes the current page's non-null values into <paramref name="destination"/> (NonNull × Width bytes).</summary>
    public void DecodeFixed(Span<byte> destination)
    {
        var data = _buf.AsSpan(_bufOffset + _valuesStart, _valuesEnd - _valuesStart);
        int n = NonNull;
        try
        {
            switch (_encoding)
            {
                case Encoding.Plain when _column.PhysicalType == ParquetPhysicalType.Boolean:
                    if ((n + 7) / 8 > data.Length) throw Corrupt("PLAIN booleans are cut off");
                    DecodePlainBooleans(data, destination[..n]);
                    break;
                case Encoding.Plain:
                    if ((long)n * Width > data.Length) throw Corrupt($"PLAIN values need {(long)n * Width} bytes but the page holds {data.Length}");
                    data[..(n * Width)].CopyTo(destination);
                    break;
                case Encoding.PlainDictionary or Encoding.RleDictionary:
                    GatherDictionary(data, n, destination);
                    break;
                case Encoding.Rle when _column.PhysicalType == ParquetPhysicalType.Boolean:
                {
                    if (data.Length < 4) throw Corrupt("RLE booleans are cut off");
                    int len = BinaryPrimitives.ReadInt32LittleEndian(data);
                    if (len < 0 || len > data.Length - 4) throw Corrupt("RLE booleans claim more bytes than the page holds");
                    new RleHybridDecoder(data.Slice(4, len), 1).Read(destination[..n]);
                    break;
                }
                case Encoding.ByteStreamSplit:
                    ByteStreamSplit.Decode(data, Width, destination[..(n * Width)]);
                    break;
                case Encoding.DeltaBinaryPacked when _column.PhysicalType is ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64:
                {
                    var values = new long[n];
                    new DeltaBinaryPackedDecoder(data).Read(values);
                    if (Width == 8) MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(destination);
                    else
                    {
                        var ints = MemoryMarshal.Cast<byte, int>(destination[..(n * 4)]);
                        for (int i = 0; i < n; i++) ints[i] = unchecked((int)values[i]);
                    }
                    break;
                }
                case Encoding.DeltaByteArray when _column.PhysicalType == ParquetPhysicalType.FixedLenByteArray:
                {
                    var b = new ByteArrayBuilder();
                    DecodeDeltaByteArray(data, n, b);
                    for (int i = 0; i < n; i++)
                    {
                        if (b[i].Length != Width) throw Corrupt("a DELTA_BYTE_ARRAY value has the wrong fixed length");
                        b[i].CopyTo(destination[(i * Width)..]);
                    }
                    break;
                }
                default:
                    throw Corrupt($"encoding {_encoding} is not supported for {_column.PhysicalType} values");
            }
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith("column '", StringComparison.Ordinal)) { throw Corrupt(e.Message); }
    }

    /// <summary>Decodes the current page's non-null BYTE_ARRAY values.</summary>
    public void DecodeByteArrays(ByteArrayBuilder output)
    {
        var data = _buf.AsSpan(_bufOffset + _valuesStart, _valuesEnd - _valuesStart);
        int n = NonNull;
        try
        {
            switch (_encoding)
            {
                case Encoding.Plain: DecodePlainByteArrays(data, n, output); break;
                case Encoding.PlainDictionary or Encoding.RleDictionary:
                {
                    if (_dictBytes is null) throw Corrupt("a dictionary-encoded page has no dictionary page before it");
                    var indices = ReadIndices(data, n);
                    foreach (var idx in indices) output.Add(_dictBytes[idx]);
                    break;
                }
                case Encoding.DeltaLengthByteArray: DecodeDeltaLength(data, n, output); break;
                case Encoding.DeltaByteArray: DecodeDeltaByteArray(data, n, output); break;
                default: throw Corrupt($"encoding {_encoding} is not supported for BYTE_ARRAY values");
            }
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith("column '", StringComparison.Ordinal)) { throw Corrupt(e.Message); }
    }

    private int[] ReadIndices(ReadOnlySpan<byte> data, int n)
    {
        if (n == 0) return [];
        if (data.IsEmpty) throw Corrupt("dictionary indices are missing");
        var indices = new int[n];
        new RleHybridDecoder(data[1..], data[0]).Read<int>(indices);
        foreach (var i in indices) if ((uint)i >= (uint)_dictCount) throw Corrupt($"dictionary index {i} is outside the dictionary of {_dictCount} values");
        return indices;
    }

    private void GatherDictionary(ReadOnlySpan<byte> data, int n, Span<byte> destination)
    {
        if (_dictFixed is null) throw Corrupt("a dictionary-encoded page has no dictionary page before it");
        var indices = ReadIndices(data, n);
        switch (Width)
        {
            case 4:
            {
                var dict = MemoryMarshal.Cast<byte, int>(_dictFixed.AsSpan());
                var dst = MemoryMarshal.Cast<byte, int>(destination[..(n * 4)]);
                for (int i = 0; i < n; i++) dst[i] = dict[indices[i]];
                break;
            }
            case 8:
            {
                var dict = MemoryMarshal.Cast<byte, long>(_dictFixed.AsSpan());
                var dst = MemoryMarshal.Cast<byte, long>(destination[..(n * 8)]);
                for (int i = 0; i < n; i++) dst[i] = dict[indices[i]];
                break;
            }
            default:
                for (int i = 0; i < n; i++) _dictFixed.AsSpan(indices[i] * Width, Width).CopyTo(destination[(i * Width)..]);
                break;
        }
    }

    private static void DecodePlainBooleans(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (byte)((data[i >> 3] >> (i & 7)) & 1);
    }

    private void DecodePlainByteArrays(ReadOnlySpan<byte> data, int n, ByteArrayBuilder output)
    {
        int p = 0;
        for (int i = 0; i < n; i++)
        {
            if (p + 4 > data.Length) throw Corrupt("PLAIN byte arrays are cut off");
            int len = BinaryPrimitives.ReadInt32LittleEndian(data[p..]);
            if (len < 0 || len > data.Length - p - 4) throw Corrupt($"a byte array claims {len} bytes but the page holds {data.Length - p - 4}");
            output.Add(data.Slice(p + 4, len));
            p += 4 + len;
        }
    }

    private int DecodeDeltaLength(ReadOnlySpan<byte> data, int n, ByteArrayBuilder output)
    {
        var lengthsDecoder = new DeltaBinaryPackedDecoder(data);
        if (lengthsDecoder.TotalCount < n) throw Corrupt("DELTA_LENGTH_BYTE_ARRAY holds fewer lengths than values");
        var lengths = new long[lengthsDecoder.TotalCount];
        lengthsDecoder.Read(lengths);
        int p = lengthsDecoder.Position;
        for (int i = 0; i < n; i++)
        {
            if (lengths[i] < 0 || lengths[i] > data.Length - p) throw Corrupt("a DELTA_LENGTH_BYTE_ARRAY value is cut off");
            output.Add(data.Slice(p, (int)lengths[i]));
            p += (int)lengths[i];
        }
        return p;
    }

    private void DecodeDeltaByteArray(ReadOnlySpan<byte> data, int n, ByteArrayBuilder output)
    {
        var prefixDecoder = new DeltaBinaryPackedDecoder(data);
        if (prefixDecoder.TotalCount < n) throw Corrupt("DELTA_BYTE_ARRAY holds fewer prefixes than values");
        var prefixes = new long[prefixDecoder.TotalCount];
        prefixDecoder.Read(prefixes);
        var suffixes = new ByteArrayBuilder();
        DecodeDeltaLength(data[prefixDecoder.Position..], n, suffixes);
        byte[] previous = [];
        for (int i = 0; i < n; i++)
        {
            if (prefixes[i] < 0 || prefixes[i] > previous.Length) throw Corrupt("a DELTA_BYTE_ARRAY prefix is longer than the previous value");
            var value = new byte[prefixes[i] + suffixes[i].Length];
            previous.AsSpan(0, (int)prefixes[i]).CopyTo(value);
            suffixes[i].CopyTo(value.AsSpan((int)prefixes[i]));
            output.Add(value);
            previous = value;
        }
    }
}

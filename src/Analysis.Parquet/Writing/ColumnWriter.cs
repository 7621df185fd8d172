using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using Analysis.Parquet.Compression;
using Analysis.Parquet.Encodings;
using Analysis.Parquet.Format;
using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Writing;

/// <summary>
/// Buffers one column of the current row group as finished, compressed pages (in a <see cref="ChunkBuffer"/>, which
/// spills to disk past a limit). Flat values collect in a page buffer; a vector batch that fills whole pages is encoded
/// straight from the caller's span.
/// </summary>
internal sealed class ColumnWriter : IDisposable
{
    private readonly ParquetWriterOptions _options;
    private readonly ChunkBuffer _chunk;
    // Buffers start empty and grow as used: most columns never need _body or _compressed, and an extraction opens a
    // writer per part, so eager 64 KiB buffers were megabytes of garbage per part file.
    private readonly ArrayBufferWriter<byte> _values = new();
    private readonly ArrayBufferWriter<byte> _present = new();
    private readonly ArrayBufferWriter<byte> _repLevels = new();
    private readonly ArrayBufferWriter<byte> _defLevels = new();
    private readonly ArrayBufferWriter<byte> _body = new();
    private readonly ArrayBufferWriter<byte> _compressed = new();
    private readonly ArrayBufferWriter<byte> _pageHead = new();
    private readonly ChunkStatistics _stats = new();
    private readonly int _maxDef, _maxRep;
    private int _pageRows, _pageNulls;
    private long _chunkLevels, _chunkUncompressed;
    private readonly HashSet<Encoding> _encodings = [];
    // Dictionary encoding of strings: distinct values PLAIN-encoded, and the current page's indices.
    private const int DictionaryLimit = 1 << 20;
    private readonly Dictionary<string, int>? _dictionary;
    private readonly ArrayBufferWriter<byte> _dictionaryValues = new();
    private readonly List<int> _indices = [];
    private bool _dictionaryFull;

    public ParquetField Field { get; }
    public ParquetPhysicalType PhysicalType { get; }
    public List<SchemaElement> SchemaElements { get; } = [];
    public List<string> Path { get; } = [];
    /// <summary>Rows appended to the current row group.</summary>
    public long Rows { get; private set; }
    /// <summary>Bytes of the current row group this column holds, in memory or spilled.</summary>
    public long BufferedBytes => _chunk.Length + _values.WrittenCount + _dictionaryValues.WrittenCount + _indices.Count;

    /// <summary>A column of <paramref name="field"/>; finished pages past the memory limit go to <paramref name="spillPath"/>.</summary>
    public ColumnWriter(ParquetField field, ParquetWriterOptions options, string spillPath)
    {
        Field = field;
        _options = options;
        _chunk = new ChunkBuffer(spillPath, options.ColumnMemoryLimit);
        var repetition = field.Nullable ? ParquetRepetition.Optional : ParquetRepetition.Required;
        PhysicalType = field.Kind switch
        {
            ParquetFieldKind.Int32 or ParquetFieldKind.Date => ParquetPhysicalType.Int32,
            ParquetFieldKind.Int64 or ParquetFieldKind.Timestamp => ParquetPhysicalType.Int64,
            ParquetFieldKind.Float or ParquetFieldKind.FloatVector => ParquetPhysicalType.Float,
            ParquetFieldKind.Double => ParquetPhysicalType.Double,
            ParquetFieldKind.Boolean => ParquetPhysicalType.Boolean,
            ParquetFieldKind.String => ParquetPhysicalType.ByteArray,
            ParquetFieldKind.Float16Vector => ParquetPhysicalType.FixedLenByteArray,
            _ => throw new ArgumentException($"Column '{field.Name}' has unknown kind {field.Kind}."),
        };
        if (field.IsVector)
        {
            if (field.Dimension <= 0) throw new ArgumentException($"Vector column '{field.Name}' needs a positive dimension, not {field.Dimension}.");
            SchemaElements.Add(new() { Name = field.Name, Repetition = repetition, NumChildren = 1, ConvertedType = ParquetConvertedType.List, LogicalType = ParquetLogicalType.List });
            SchemaElements.Add(new() { Name = "list", Repetition = ParquetRepetition.Repeated, NumChildren = 1 });
            var element = new SchemaElement { Name = "element", Repetition = ParquetRepetition.Required, Type = PhysicalType };
            if (field.Kind == ParquetFieldKind.Float16Vector) { element.TypeLength = 2; element.LogicalType = ParquetLogicalType.Float16; }
            SchemaElements.Add(element);
            Path.AddRange([field.Name, "list", "element"]);
            _maxRep = 1;
            _maxDef = field.Nullable ? 2 : 1;
        }
        else
        {
            var e = new SchemaElement { Name = field.Name, Repetition = repetition, Type = PhysicalType };
            switch (field.Kind)
            {
                case ParquetFieldKind.String: e.ConvertedType = ParquetConvertedType.Utf8; e.LogicalType = ParquetLogicalType.String; break;
                case ParquetFieldKind.Date: e.ConvertedType = ParquetConvertedType.Date; e.LogicalType = ParquetLogicalType.Date; break;
                case ParquetFieldKind.Timestamp:
                    e.ConvertedType = ParquetConvertedType.TimestampMicros;
                    e.LogicalType = ParquetLogicalType.Timestamp(ParquetTimeUnit.Micros, adjustedToUtc: true);
                    break;
            }
            SchemaElements.Add(e);
            Path.Add(field.Name);
            _maxDef = field.Nullable ? 1 : 0;
        }
        _encodings.Add(Encoding.Plain);
        _encodings.Add(Encoding.Rle);
        if (field.Kind == ParquetFieldKind.String && options.DictionaryEncoding) _dictionary = new(StringComparer.Ordinal);
    }

    private Encoding DictionaryDataEncoding => _options.DataPageVersion == 2 ? Encoding.RleDictionary : Encoding.PlainDictionary;

    private int ValueWidth => PhysicalType switch
    {
        ParquetPhysicalType.Int32 or ParquetPhysicalType.Float => 4,
        ParquetPhysicalType.Int64 or ParquetPhysicalType.Double => 8,
        ParquetPhysicalType.FixedLenByteArray => 2,
        _ => 1,
    };

    private void Expect(params ParquetFieldKind[] kinds)
    {
        if (Array.IndexOf(kinds, Field.Kind) < 0)
            throw new ArgumentException($"Column '{Field.Name}' is {Field.Kind}; write it with the matching method, not one for {string.Join("/", kinds)}.");
    }

    private void CheckPresent(ReadOnlySpan<bool> present, int rows)
    {
        if (present.IsEmpty) return;
        if (!Field.Nullable) throw new ArgumentException($"Column '{Field.Name}' is required (not nullable), so it takes no null flags.");
        if (present.Length != rows) throw new ArgumentException($"Column '{Field.Name}' got {present.Length} null flags for {rows} rows; give one per row.");
    }

    public void AppendInt32(ReadOnlySpan<int> values, ReadOnlySpan<bool> present)
    {
        Expect(ParquetFieldKind.Int32, ParquetFieldKind.Date);
        AppendFixed(values, present, static (s, v) => s.AddInt(v));
    }

    public void AppendInt64(ReadOnlySpan<long> values, ReadOnlySpan<bool> present)
    {
        Expect(ParquetFieldKind.Int64, ParquetFieldKind.Timestamp);
        AppendFixed(values, present, static (s, v) => s.AddLong(v));
    }

    public void AppendFloat(ReadOnlySpan<float> values, ReadOnlySpan<bool> present)
    {
        Expect(ParquetFieldKind.Float);
        AppendFixed(values, present, static (s, v) => s.AddFloat(v));
    }

    public void AppendDouble(ReadOnlySpan<double> values, ReadOnlySpan<bool> present)
    {
        Expect(ParquetFieldKind.Double);
        AppendFixed(values, present, static (s, v) => s.AddDouble(v));
    }

    public void AppendBoolean(ReadOnlySpan<bool> values, ReadOnlySpan<bool> present)
    {
        Expect(ParquetFieldKind.Boolean);
        AppendFixed(MemoryMarshal.AsBytes(values), present, static (s, v) => { foreach (var b in v) s.AddBool(b != 0); });
    }

    private delegate void StatsOf<T>(ChunkStatistics stats, ReadOnlySpan<T> values);

    private void AppendFixed<T>(ReadOnlySpan<T> values, ReadOnlySpan<bool> present, StatsOf<T> stats) where T : unmanaged
    {
        CheckPresent(present, values.Length);
        int width = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int rowsPerPage = Math.Clamp(_options.PageSize / width, 1, _options.PageRowLimit);
        int start = 0;
        while (start < values.Length)
        {
            int n = Math.Min(values.Length - start, Math.Max(1, rowsPerPage - _pageRows));
            var slice = values.Slice(start, n);
            if (present.IsEmpty)
            {
                Append(MemoryMarshal.AsBytes(slice));
                stats(_stats, slice);
                if (_maxDef > 0) Fill(_present, 1, n);
            }
            else
            {
                var flags = present.Slice(start, n);
                int i = 0;
                while (i < n)
                {
                    int j = i;
                    bool isPresent = flags[i];
                    while (j < n && flags[j] == isPresent) j++;
                    if (isPresent)
                    {
                        Append(MemoryMarshal.AsBytes(slice[i..j]));
                        stats(_stats, slice[i..j]);
                    }
                    else { _pageNulls += j - i; _stats.AddNulls(j - i); }
                    i = j;
                }
                Append(_present, MemoryMarshal.AsBytes(flags));
            }
            _pageRows += n;
            Rows += n;
            start += n;
            if (_pageRows >= rowsPerPage) FlushPage();
        }
    }

    public void AppendStrings(ReadOnlySpan<string?> values)
    {
        Expect(ParquetFieldKind.String);
        foreach (var s in values)
        {
            if (s is null)
            {
                if (!Field.Nullable) throw new ArgumentException($"Column '{Field.Name}' is required (not nullable) but got a null string at row {Rows}.");
                _pageNulls++;
                _stats.AddNulls(1);
                Fill(_present, 0, 1);
            }
            else
            {
                if (_dictionary is not null && !_dictionaryFull && !_dictionary.ContainsKey(s) && _dictionaryValues.WrittenCount >= DictionaryLimit)
                {
                    // Too many distinct values: finish this page with the dictionary, then write PLAIN.
                    FlushPage();
                    _dictionaryFull = true;
                }
                if (_dictionary is not null && !_dictionaryFull)
                {
                    if (!_dictionary.TryGetValue(s, out int index))
                    {
                        index = _dictionary.Count;
                        _dictionary.Add(s, index);
                        // min/max over the distinct values is min/max over all values.
                        _stats.AddBytes(AppendPlainString(_dictionaryValues, s));
                    }
                    _indices.Add(index);
                }
                else _stats.AddBytes(AppendPlainString(_values, s));
                if (_maxDef > 0) Fill(_present, 1, 1);
            }
            _pageRows++;
            Rows++;
            if (_values.WrittenCount >= _options.PageSize || _pageRows >= _options.PageRowLimit) FlushPage();
        }
    }

    /// <summary>Appends a length-prefixed UTF-8 string; returns its bytes (valid until the buffer grows).</summary>
    private static ReadOnlySpan<byte> AppendPlainString(ArrayBufferWriter<byte> w, string s)
    {
        var utf8 = System.Text.Encoding.UTF8;
        var span = w.GetSpan(4 + utf8.GetMaxByteCount(s.Length));
        int len = utf8.GetBytes(s, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, len);
        w.Advance(4 + len);
        return span.Slice(4, len);
    }

    public void AppendFloatVectors(ReadOnlySpan<float> values, ReadOnlySpan<bool> present)
    {
        Expect(ParquetFieldKind.FloatVector);
        AppendVectors(values, present, static (s, v) => s.AddFloat(v));
    }

    public void AppendHalfVectors(ReadOnlySpan<Half> values, ReadOnlySpan<bool> present)
    {
        Expect(ParquetFieldKind.Float16Vector);
        AppendVectors(values, present, static (s, v) => s.AddHalf(v));
    }

    private void AppendVectors<T>(ReadOnlySpan<T> values, ReadOnlySpan<bool> present, StatsOf<T> stats) where T : unmanaged
    {
        int dim = Field.Dimension;
        if (values.Length % dim != 0) throw new ArgumentException($"Column '{Field.Name}' holds vectors of {dim} values but got {values.Length} values, which is not a whole number of rows.");
        int rows = values.Length / dim;
        CheckPresent(present, rows);
        int rowBytes = dim * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int rowsPerPage = Math.Clamp(_options.PageSize / rowBytes, 1, _options.PageRowLimit);
        int start = 0;
        while (start < rows)
        {
            int n = Math.Min(rows - start, Math.Max(1, rowsPerPage - _pageRows));
            var slice = values.Slice(start * dim, n * dim);
            var flags = present.IsEmpty ? default : present.Slice(start, n);
            if (_pageRows == 0 && n == rowsPerPage && flags.IsEmpty)
            {
                // A whole page of vectors: encode straight from the caller's memory.
                stats(_stats, slice);
                if (_maxDef > 1) Fill(_present, 1, n);
                _pageRows = n;
                Rows += n;
                EmitVectorPage(MemoryMarshal.AsBytes(slice));
            }
            else
            {
                for (int r = 0; r < n; r++)
                {
                    bool isPresent = flags.IsEmpty || flags[r];
                    if (isPresent)
                    {
                        var row = slice.Slice(r * dim, dim);
                        Append(MemoryMarshal.AsBytes(row));
                        stats(_stats, row);
                    }
                    else { _pageNulls++; _stats.AddNulls(1); }
                    if (_maxDef > 1) Fill(_present, isPresent ? (byte)1 : (byte)0, 1);
                }
                _pageRows += n;
                Rows += n;
                if (_pageRows >= rowsPerPage) FlushPage();
            }
            start += n;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes) => Append(_values, bytes);

    private static void Append(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(w.GetSpan(bytes.Length));
        w.Advance(bytes.Length);
    }

    private static void Fill(ArrayBufferWriter<byte> w, byte value, int count)
    {
        w.GetSpan(count)[..count].Fill(value);
        w.Advance(count);
    }

    /// <summary>Writes the buffered values (if any) as one data page.</summary>
    public void FlushPage()
    {
        if (_pageRows == 0) return;
        if (Field.IsVector) { EmitVectorPage(_values.WrittenSpan); return; }
        _defLevels.ResetWrittenCount();
        if (_maxDef > 0) RleHybridEncoder.Encode<byte>(_present.WrittenSpan, 1, _defLevels);
        ReadOnlySpan<byte> values = _values.WrittenSpan;
        if (_dictionary is not null && !_dictionaryFull)
        {
            // Indices: one byte of bit width, then the RLE / bit-packed hybrid.
            _body.ResetWrittenCount();
            int bitWidth = Math.Max(1, BitWidth(Math.Max(0, _dictionary.Count - 1)));
            _body.GetSpan(1)[0] = (byte)bitWidth;
            _body.Advance(1);
            RleHybridEncoder.Encode<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_indices), bitWidth, _body);
            var encoded = _body.WrittenSpan.ToArray();
            _indices.Clear();
            _encodings.Add(DictionaryDataEncoding);
            EmitPage(default, _defLevels.WrittenSpan, encoded, _pageRows, _pageNulls, _pageRows, DictionaryDataEncoding);
        }
        else if (Field.Kind == ParquetFieldKind.Boolean)
        {
            // PLAIN booleans are bit-packed; the page buffer holds one byte per value until now.
            _body.ResetWrittenCount();
            var bits = new BitWriter(_body);
            foreach (var b in values) bits.Write(b, 1);
            bits.Flush();
            var packed = _body.WrittenSpan.ToArray();
            EmitPage(default, _defLevels.WrittenSpan, packed, _pageRows, _pageNulls, _pageRows);
        }
        else EmitPage(default, _defLevels.WrittenSpan, values, _pageRows, _pageNulls, _pageRows);
    }

    private void EmitVectorPage(ReadOnlySpan<byte> values)
    {
        int dim = Field.Dimension;
        _repLevels.ResetWrittenCount();
        _defLevels.ResetWrittenCount();
        // Repetition levels per present row: one 0 then dim-1 ones, as two RLE runs; a null row is a single 0.
        ReadOnlySpan<byte> nullRun = [0x02, 0x00];
        Span<byte> rowRun = stackalloc byte[16];
        int rowRunLength = 0;
        rowRun[rowRunLength++] = 0x02; rowRun[rowRunLength++] = 0x00;
        if (dim > 1)
        {
            ulong h = (ulong)(dim - 1) << 1;
            while (h >= 0x80) { rowRun[rowRunLength++] = (byte)(h | 0x80); h >>= 7; }
            rowRun[rowRunLength++] = (byte)h;
            rowRun[rowRunLength++] = 0x01;
        }
        var rowPattern = rowRun[..rowRunLength];
        ReadOnlySpan<byte> flags = _maxDef > 1 ? _present.WrittenSpan : default;
        int levels = 0;
        if (_pageNulls == 0)
        {
            var dst = _repLevels.GetSpan(rowPattern.Length * _pageRows);
            for (int r = 0; r < _pageRows; r++) rowPattern.CopyTo(dst[(r * rowPattern.Length)..]);
            _repLevels.Advance(rowPattern.Length * _pageRows);
            levels = _pageRows * dim;
            WriteRleRun(_defLevels, (ulong)levels, (byte)_maxDef);
        }
        else
        {
            for (int r = 0; r < _pageRows; r++)
            {
                if (flags[r] != 0) { Append(_repLevels, rowPattern); WriteRleRun(_defLevels, (ulong)dim, (byte)_maxDef); levels += dim; }
                else { Append(_repLevels, nullRun); WriteRleRun(_defLevels, 1, 0); levels += 1; }
            }
        }
        EmitPage(_repLevels.WrittenSpan, _defLevels.WrittenSpan, values, levels, _pageNulls, _pageRows);
    }

    private static void WriteRleRun(ArrayBufferWriter<byte> w, ulong count, byte value)
    {
        RleHybridEncoder.WriteVarint(count << 1, w);
        w.GetSpan(1)[0] = value;
        w.Advance(1);
    }

    private void EmitPage(ReadOnlySpan<byte> rep, ReadOnlySpan<byte> def, ReadOnlySpan<byte> values, int numLevels, int numNulls, int numRows, Encoding encoding = Encoding.Plain)
    {
        var codec = _options.Compression;
        bool v2 = _options.DataPageVersion == 2;
        var header = new PageHeader { NumValues = numLevels, Encoding = encoding };
        int levelsBytes = v2 ? rep.Length + def.Length : (_maxRep > 0 ? 4 + rep.Length : 0) + (_maxDef > 0 ? 4 + def.Length : 0);
        header.UncompressedPageSize = levelsBytes + values.Length;
        ReadOnlySpan<byte> compressedValues = default;
        if (v2)
        {
            header.Type = PageType.DataPageV2;
            header.NumNulls = numNulls;
            header.NumRows = numRows;
            header.RepetitionLevelsByteLength = rep.Length;
            header.DefinitionLevelsByteLength = def.Length;
            header.IsCompressed = codec != ParquetCompression.Uncompressed;
            if (header.IsCompressed)
            {
                _compressed.ResetWrittenCount();
                PageCompression.Compress(codec, values, _compressed);
                compressedValues = _compressed.WrittenSpan;
            }
            else compressedValues = values;
            header.CompressedPageSize = levelsBytes + compressedValues.Length;
        }
        else
        {
            header.Type = PageType.DataPage;
            if (codec == ParquetCompression.Uncompressed) header.CompressedPageSize = header.UncompressedPageSize;
            else
            {
                _body.ResetWrittenCount();
                WriteV1Body(_body, rep, def, values);
                _compressed.ResetWrittenCount();
                header.CompressedPageSize = PageCompression.Compress(codec, _body.WrittenSpan, _compressed);
            }
        }
        var head = _pageHead;
        head.ResetWrittenCount();
        header.Write(new CompactWriter(head));
        int headerBytes = head.WrittenCount;
        ReadOnlySpan<byte> body;
        if (v2) { Append(head, rep); Append(head, def); body = compressedValues; }
        else if (codec == ParquetCompression.Uncompressed) { WriteV1Levels(head, rep, def); body = values; }
        else body = _compressed.WrittenSpan;
        _chunk.AddPage(head.WrittenSpan, body);
        _chunkUncompressed += headerBytes + header.UncompressedPageSize;
        _chunkLevels += numLevels;
        _values.ResetWrittenCount();
        _present.ResetWrittenCount();
        _pageRows = _pageNulls = 0;
    }

    private void WriteV1Body(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> rep, ReadOnlySpan<byte> def, ReadOnlySpan<byte> values)
    {
        WriteV1Levels(w, rep, def);
        Append(w, values);
    }

    /// <summary>A v1 page's levels, each length-prefixed; the values follow them.</summary>
    private void WriteV1Levels(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> rep, ReadOnlySpan<byte> def)
    {
        if (_maxRep > 0) { BinaryPrimitives.WriteInt32LittleEndian(w.GetSpan(4), rep.Length); w.Advance(4); Append(w, rep); }
        if (_maxDef > 0) { BinaryPrimitives.WriteInt32LittleEndian(w.GetSpan(4), def.Length); w.Advance(4); Append(w, def); }
    }

    /// <summary>
    /// Sends this column's pages straight to <paramref name="output"/>, where its chunk is to start now, instead of
    /// holding them until <see cref="WriteChunk"/>. Not for dictionary-encoded columns: their dictionary page, known
    /// only at the end, must come first.
    /// </summary>
    public void WriteThrough(Stream output)
    {
        if (_dictionary is null) _chunk.WriteThrough(output);
    }

    /// <summary>Writes the column chunk at the stream's position and returns its metadata; the column is then empty.</summary>
    public ColumnChunk WriteChunk(Stream stream)
    {
        FlushPage();
        long? dictionaryOffset = null;
        long dictionaryBytes = 0;
        if (_dictionary is { Count: > 0 })
        {
            dictionaryOffset = stream.Position;
            dictionaryBytes = WriteDictionaryPage(stream);
            _chunkUncompressed += dictionaryBytes - _compressed.WrittenCount + _dictionaryValues.WrittenCount;
        }
        long dataBytes = _chunk.Length;
        long dataOffset = _chunk.MoveTo(stream);
        long offset = dictionaryOffset ?? dataOffset;
        var meta = new ColumnMetaData
        {
            Type = PhysicalType,
            Encodings = [.. _encodings.Order()],
            PathInSchema = Path,
            Codec = _options.Compression,
            NumValues = _chunkLevels,
            TotalUncompressedSize = _chunkUncompressed,
            TotalCompressedSize = dataBytes + dictionaryBytes,
            DataPageOffset = dataOffset,
            DictionaryPageOffset = dictionaryOffset,
            Statistics = _stats.ToThrift(Field.Kind),
        };
        _dictionary?.Clear();
        _dictionaryValues.ResetWrittenCount();
        _dictionaryFull = false;
        _chunkLevels = _chunkUncompressed = 0;
        _stats.Reset();
        Rows = 0;
        return new ColumnChunk { FileOffset = offset, MetaData = meta };
    }

    /// <summary>Writes the dictionary page (PLAIN values, compressed like the data pages); returns the bytes written.</summary>
    private long WriteDictionaryPage(Stream stream)
    {
        var values = _dictionaryValues.WrittenSpan;
        _compressed.ResetWrittenCount();
        int compressedSize = PageCompression.Compress(_options.Compression, values, _compressed);
        var header = new PageHeader
        {
            Type = PageType.DictionaryPage, NumValues = _dictionary!.Count, Encoding = Encoding.Plain,
            UncompressedPageSize = values.Length, CompressedPageSize = compressedSize,
        };
        var h = new CompactWriter();
        header.Write(h);
        stream.Write(h.Output.WrittenSpan);
        stream.Write(_compressed.WrittenSpan);
        return h.Output.WrittenCount + compressedSize;
    }

    /// <summary>Deletes the spill file, if any.</summary>
    public void Dispose() => _chunk.Dispose();

    internal static int BitWidth(int maxLevel) => 32 - BitOperations.LeadingZeroCount((uint)maxLevel);
}

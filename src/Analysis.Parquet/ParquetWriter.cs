using Analysis.Parquet.Format;
using Analysis.Parquet.Thrift;
using Analysis.Parquet.Writing;

namespace Analysis.Parquet;

/// <summary>
/// Streams rows into a Parquet file column by column. Give every column the same number of rows, call
/// <see cref="EndBatch"/>, repeat; a row group is flushed once the buffered data passes
/// <see cref="ParquetWriterOptions.RowGroupSize"/>. A batch large enough to be a row group of its own can skip the
/// buffering: <see cref="BeginRowGroup"/>, then its columns in schema order. <see cref="Finish"/> writes the footer under
/// a temporary name, fsyncs and renames it into place; disposing without finishing deletes the temporary file.
/// </summary>
public sealed class ParquetWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly ParquetWriterOptions _options;
    private readonly ColumnWriter[] _columns;
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly FileMetaData _meta = new() { TypeDefinedColumnOrders = true };
    private readonly Dictionary<string, string> _metadata;
    private long _groupRows;
    private bool _finished;
    // A row group begun with BeginRowGroup: the column being written now (-1 before the first); earlier ones are in the file.
    private RowGroup? _direct;
    private int _directColumn;
    private bool _broken;

    /// <summary>The fields of the file, in column order.</summary>
    public IReadOnlyList<ParquetField> Fields { get; }

    /// <summary>Rows written so far, in finished batches.</summary>
    public long RowCount { get; private set; }

    private ParquetWriter(string path, IReadOnlyList<ParquetField> fields, ParquetWriterOptions options)
    {
        if (fields.Count == 0) throw new ArgumentException("A Parquet file needs at least one column; pass one ParquetField per column.");
        if (options.DataPageVersion is not (1 or 2)) throw new ArgumentException($"DataPageVersion must be 1 or 2, not {options.DataPageVersion}.");
        if (options.PageSize <= 0 || options.PageRowLimit <= 0 || options.RowGroupSize <= 0 || options.ColumnMemoryLimit <= 0)
            throw new ArgumentException("PageSize, PageRowLimit, RowGroupSize and ColumnMemoryLimit must be positive.");
        _path = Path.GetFullPath(path);
        _options = options;
        Fields = fields;
        _columns = new ColumnWriter[fields.Count];
        _metadata = new(options.Metadata);
        var dir = Path.GetDirectoryName(_path)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Cannot write '{_path}': the folder '{dir}' does not exist.");
        // Temporary names start with '.' and end in '.tmp', so directory readers skip them and cleanups find them.
        var temp = Path.Combine(dir, $".{Path.GetFileName(_path)}.{Guid.NewGuid():N}");
        _tempPath = temp + ".tmp";
        for (int i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (string.IsNullOrEmpty(f.Name)) throw new ArgumentException($"Column {i} has no name.");
            var column = new ColumnWriter(f, options, $"{temp}.c{i}.tmp");
            if (!_byName.TryAdd(f.Name, i)) throw new ArgumentException($"Column name '{f.Name}' appears twice; names must be unique.");
            _columns[i] = column;
        }
        _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _stream.Write("PAR1"u8);
        _meta.Schema.Add(new SchemaElement { Name = "schema", NumChildren = fields.Count });
        foreach (var c in _columns) _meta.Schema.AddRange(c.SchemaElements);
    }

    /// <summary>Creates the writer; the file appears at <paramref name="path"/> only when <see cref="Finish"/> succeeds.</summary>
    public static ParquetWriter Create(string path, IReadOnlyList<ParquetField> fields, ParquetWriterOptions? options = null) =>
        new(path, fields, options ?? new ParquetWriterOptions());

    /// <summary>Adds or replaces a footer key-value pair (before <see cref="Finish"/>).</summary>
    public void SetMetadata(string key, string value) => _metadata[key] = value;

    private ColumnWriter Column(string name)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ThrowIfBroken();
        if (!_byName.TryGetValue(name, out int index))
            throw new ArgumentException($"No column named '{name}'; the columns are: {string.Join(", ", _byName.Keys)}.");
        if (_direct is not null && index != _directColumn) MoveToColumn(index);
        return _columns[index];
    }

    private void ThrowIfBroken()
    {
        if (_broken) throw new InvalidOperationException("This Parquet writer stopped at an earlier error in a row group begun with BeginRowGroup; dispose it (which deletes the partial file) and write the file again.");
    }

    /// <summary>
    /// Starts a row group that goes straight to the file instead of being buffered: write each column in schema order
    /// (all of a column's rows before the next column), then <see cref="EndBatch"/> ends the row group. Each column's
    /// pages are written as they fill, so no copy of the batch is held (strings that are dictionary-encoded still wait
    /// for their dictionary). Rows buffered by earlier batches are flushed first, as a row group of their own.
    /// </summary>
    public void BeginRowGroup()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ThrowIfBroken();
        if (_direct is not null) throw new InvalidOperationException("A row group begun with BeginRowGroup is still open; call EndBatch to end it first.");
        CheckBatchEnded();
        FlushRowGroup();
        _direct = NewRowGroup();
        _directColumn = -1;
    }

    private void MoveToColumn(int index)
    {
        if (index != _directColumn + 1)
        {
            _broken = true;
            throw new ArgumentException(index < _directColumn
                ? $"Column '{_columns[index].Field.Name}' was already written in this row group; BeginRowGroup needs each column once, in schema order."
                : $"Column '{_columns[index].Field.Name}' came before column '{_columns[_directColumn + 1].Field.Name}'; BeginRowGroup needs each column once, in schema order.");
        }
        if (_directColumn >= 0) EndDirectColumn();
        _directColumn = index;
        _columns[index].WriteThrough(_stream);
    }

    private void EndDirectColumn()
    {
        var column = _columns[_directColumn];
        long rows = column.Rows, expected = _directColumn == 0 ? rows : _direct!.NumRows;
        if (rows != expected)
        {
            _broken = true;
            throw new ArgumentException($"Column '{column.Field.Name}' has {rows} rows in this row group but column '{_columns[0].Field.Name}' has {expected}; write the same number of rows to every column.");
        }
        _direct!.NumRows = rows;
        AddChunk(_direct, column.WriteChunk(_stream));
    }

    /// <summary>Appends INT32 (or DATE) values, one per row; <paramref name="present"/> (nullable columns only) marks non-null rows.</summary>
    public void WriteInt32(string column, ReadOnlySpan<int> values, ReadOnlySpan<bool> present = default) => Column(column).AppendInt32(values, present);

    /// <summary>Appends INT64 (or TIMESTAMP micros) values, one per row.</summary>
    public void WriteInt64(string column, ReadOnlySpan<long> values, ReadOnlySpan<bool> present = default) => Column(column).AppendInt64(values, present);

    /// <summary>Appends FLOAT values, one per row.</summary>
    public void WriteFloat(string column, ReadOnlySpan<float> values, ReadOnlySpan<bool> present = default) => Column(column).AppendFloat(values, present);

    /// <summary>Appends DOUBLE values, one per row.</summary>
    public void WriteDouble(string column, ReadOnlySpan<double> values, ReadOnlySpan<bool> present = default) => Column(column).AppendDouble(values, present);

    /// <summary>Appends BOOLEAN values, one per row.</summary>
    public void WriteBoolean(string column, ReadOnlySpan<bool> values, ReadOnlySpan<bool> present = default) => Column(column).AppendBoolean(values, present);

    /// <summary>Appends strings, one per row; null means a null value (nullable columns only).</summary>
    public void WriteStrings(string column, ReadOnlySpan<string?> values) => Column(column).AppendStrings(values);

    /// <summary>Appends vectors to a FloatVector column: rows × dimension floats, row-major.</summary>
    public void WriteFloatVectors(string column, ReadOnlySpan<float> values, ReadOnlySpan<bool> present = default) => Column(column).AppendFloatVectors(values, present);

    /// <summary>Appends vectors to a Float16Vector column: rows × dimension halves, row-major.</summary>
    public void WriteHalfVectors(string column, ReadOnlySpan<Half> values, ReadOnlySpan<bool> present = default) => Column(column).AppendHalfVectors(values, present);

    /// <summary>Appends vectors to a Float16Vector column from floats (rounded to half precision).</summary>
    public void WriteHalfVectors(string column, ReadOnlySpan<float> values, ReadOnlySpan<bool> present = default)
    {
        var halves = System.Buffers.ArrayPool<Half>.Shared.Rent(values.Length);
        try
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(values, halves.AsSpan(0, values.Length));
            Column(column).AppendHalfVectors(halves.AsSpan(0, values.Length), present);
        }
        finally { System.Buffers.ArrayPool<Half>.Shared.Return(halves); }
    }

    /// <summary>Ends a batch: every column must have received the same number of rows since the last batch.</summary>
    public void EndBatch()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ThrowIfBroken();
        if (_direct is not null)
        {
            EndDirectRowGroup();
            return;
        }
        long rows = _columns[0].Rows;
        foreach (var c in _columns)
        {
            if (c.Rows != rows)
                throw new ArgumentException($"Column '{c.Field.Name}' has {c.Rows - _groupRows} rows in this batch but column '{_columns[0].Field.Name}' has {rows - _groupRows}; write the same number of rows to every column before EndBatch.");
        }
        RowCount += rows - _groupRows;
        _groupRows = rows;
        long buffered = 0;
        foreach (var c in _columns) buffered += c.BufferedBytes;
        if (buffered >= _options.RowGroupSize) FlushRowGroup();
    }

    private void EndDirectRowGroup()
    {
        if (_directColumn != _columns.Length - 1)
        {
            _broken = true;
            throw new ArgumentException($"Column '{_columns[_directColumn + 1].Field.Name}' got no rows in this row group; BeginRowGroup needs every column, in schema order, before EndBatch.");
        }
        EndDirectColumn();
        _meta.RowGroups.Add(_direct!);
        RowCount += _direct!.NumRows;
        _direct = null;
    }

    private void CheckBatchEnded()
    {
        foreach (var c in _columns)
        {
            if (c.Rows != _groupRows)
                throw new ArgumentException($"Column '{c.Field.Name}' has rows that were not ended with EndBatch; call EndBatch after writing every column.");
        }
    }

    private RowGroup NewRowGroup() =>
        new() { FileOffset = _stream.Position, Ordinal = (short)Math.Min(_meta.RowGroups.Count, short.MaxValue) };

    private static void AddChunk(RowGroup group, ColumnChunk chunk)
    {
        group.Columns.Add(chunk);
        group.TotalByteSize += chunk.MetaData!.TotalUncompressedSize;
        group.TotalCompressedSize = (group.TotalCompressedSize ?? 0) + chunk.MetaData.TotalCompressedSize;
    }

    private void FlushRowGroup()
    {
        if (_groupRows == 0) return;
        var group = NewRowGroup();
        group.NumRows = _groupRows;
        foreach (var c in _columns) AddChunk(group, c.WriteChunk(_stream));
        _meta.RowGroups.Add(group);
        _groupRows = 0;
    }

    /// <summary>Flushes the last row group, writes the footer, fsyncs, and moves the file to its final name.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ThrowIfBroken();
        if (_direct is not null) throw new InvalidOperationException("A row group begun with BeginRowGroup is still open; call EndBatch to end it before Finish.");
        CheckBatchEnded();
        FlushRowGroup();
        _meta.NumRows = RowCount;
        _meta.CreatedBy = _options.CreatedBy;
        foreach (var (k, v) in _metadata) _meta.KeyValueMetadata.Add(new(k, v));
        var footer = new CompactWriter();
        _meta.Write(footer);
        _stream.Write(footer.Output.WrittenSpan);
        Span<byte> tail = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(tail, footer.Output.WrittenCount);
        "PAR1"u8.CopyTo(tail[4..]);
        _stream.Write(tail);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        foreach (var c in _columns) c.Dispose();
        File.Move(_tempPath, _path, overwrite: true);
        _finished = true;
    }

    /// <summary>Closes the file; without <see cref="Finish"/> the partial file is deleted.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        // Closing flushes the write buffer, which fails again when the disk is full; the handle is closed either way and
        // the data is being discarded, so the error must not stop the temporary file's deletion (nor hide the first error).
        try { _stream.Dispose(); } catch (IOException) { }
        foreach (var c in _columns) c.Dispose();
        try { File.Delete(_tempPath); } catch (IOException) { }
    }
}

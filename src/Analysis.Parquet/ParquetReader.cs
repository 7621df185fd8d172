using System.Buffers.Binary;
using Analysis.Parquet.Encodings;
using Analysis.Parquet.Format;
using Analysis.Parquet.Reading;
using Analysis.Parquet.Thrift;
using Microsoft.Win32.SafeHandles;

namespace Analysis.Parquet;

/// <summary>
/// Reads a Parquet file: schema, footer metadata, and column data one row group at a time (so files larger than
/// memory stream through). Corrupt files raise <see cref="ParquetFormatException"/> naming the file and the problem.
/// One reader is for one thread at a time; open one per thread to read in parallel.
/// </summary>
public sealed class ParquetReader : IDisposable
{
    private const int MaxFooterSize = 256 << 20;
    private readonly SafeFileHandle _file;
    private readonly FileMetaData _meta;
    private readonly Dictionary<string, ParquetColumn> _byName = new(StringComparer.Ordinal);
    // Reused for every column chunk, so reading row group after row group allocates nothing once warm.
    private byte[] _chunkBuffer = [];

    /// <summary>The file's full path.</summary>
    public string FilePath { get; }
    /// <summary>File length in bytes.</summary>
    public long FileLength { get; }
    /// <summary>The schema tree (the root is the message node).</summary>
    public ParquetSchemaNode Schema { get; }
    /// <summary>Leaf columns in file order.</summary>
    public IReadOnlyList<ParquetColumn> Columns { get; }
    /// <summary>Total rows.</summary>
    public long RowCount => _meta.NumRows;
    /// <summary>Footer key-value metadata.</summary>
    public IReadOnlyDictionary<string, string?> Metadata { get; }
    /// <summary>The writer that made the file, if it says.</summary>
    public string? CreatedBy => _meta.CreatedBy;
    /// <summary>Row groups with their statistics.</summary>
    public IReadOnlyList<ParquetRowGroupInfo> RowGroups { get; }

    private ParquetReader(string path)
    {
        FilePath = Path.GetFullPath(path);
        if (!File.Exists(FilePath)) throw new FileNotFoundException($"Parquet file '{FilePath}' does not exist.", FilePath);
        _file = File.OpenHandle(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            FileLength = RandomAccess.GetLength(_file);
            _meta = ReadFooter();
            (Schema, var columns) = Wrap(() => SchemaTree.Build(_meta.Schema));
            Columns = columns;
            foreach (var c in columns) { _byName.TryAdd(c.DottedPath, c); _byName.TryAdd(c.FieldName, c); }
            var metadata = new Dictionary<string, string?>();
            foreach (var (k, v) in _meta.KeyValueMetadata) metadata[k] = v;
            Metadata = metadata;
            RowGroups = Wrap(BuildRowGroups);
        }
        catch { _file.Dispose(); throw; }
    }

    /// <summary>Opens a file and reads its footer.</summary>
    public static ParquetReader Open(string path) => new(path);

    private ParquetFormatException Corrupt(string what, Exception? inner = null) => new($"'{FilePath}' is not a valid Parquet file: {what}.", inner);

    private T Wrap<T>(Func<T> f)
    {
        try { return f(); }
        catch (ParquetFormatException e) when (!e.Message.StartsWith('\'')) { throw Corrupt(e.Message.TrimEnd('.'), e); }
    }

    private FileMetaData ReadFooter()
    {
        if (FileLength < 12) throw Corrupt($"it is {FileLength} bytes long, shorter than the 12 bytes of magic numbers and footer length");
        Span<byte> head = stackalloc byte[4], tail = stackalloc byte[8];
        RandomAccess.Read(_file, head, 0);
        RandomAccess.Read(_file, tail, FileLength - 8);
        if (!tail[4..].SequenceEqual("PAR1"u8))
            throw Corrupt(tail[4..].SequenceEqual("PARE"u8) ? "its footer is encrypted, which is not supported" : "it does not end with the magic bytes PAR1 (truncated, or not Parquet)");
        if (!head.SequenceEqual("PAR1"u8)) throw Corrupt("it does not start with the magic bytes PAR1");
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > FileLength - 12 || footerLength > MaxFooterSize)
            throw Corrupt($"its footer length {footerLength} does not fit in the file of {FileLength} bytes");
        var footer = new byte[footerLength];
        RandomAccess.Read(_file, footer, FileLength - 8 - footerLength);
        try
        {
            var r = new CompactReader(footer);
            return FileMetaData.Read(ref r);
        }
        catch (ParquetFormatException e) { throw Corrupt($"its footer is unreadable ({e.Message.TrimEnd('.')})", e); }
    }

    private List<ParquetRowGroupInfo> BuildRowGroups()
    {
        var groups = new List<ParquetRowGroupInfo>();
        for (int g = 0; g < _meta.RowGroups.Count; g++)
        {
            var rg = _meta.RowGroups[g];
            if (rg.Columns.Count != Columns.Count) throw new ParquetFormatException($"row group {g} has {rg.Columns.Count} column chunks for {Columns.Count} columns");
            if (rg.NumRows < 0) throw new ParquetFormatException($"row group {g} has a negative row count");
            var stats = new List<ParquetStatistics>();
            long compressed = 0;
            for (int c = 0; c < Columns.Count; c++)
            {
                var m = rg.Columns[c].MetaData ?? throw new ParquetFormatException($"row group {g} column {c} has no metadata");
                compressed += m.TotalCompressedSize;
                var s = m.Statistics;
                byte[]? min = s?.MinValue, max = s?.MaxValue;
                // Legacy min/max are only trustworthy for types whose signed order is their natural order.
                if (min is null && max is null && s is not null && Columns[c].PhysicalType is not (ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray))
                { min = s.LegacyMin; max = s.LegacyMax; }
                stats.Add(new ParquetStatistics(StatValue(Columns[c], min), StatValue(Columns[c], max), s?.NullCount, m.Codec, m.TotalCompressedSize, m.TotalUncompressedSize,
                    [.. m.Encodings.Select(e => e.Name())]));
            }
            groups.Add(new ParquetRowGroupInfo { Index = g, RowCount = rg.NumRows, CompressedSize = compressed, Statistics = stats });
        }
        return groups;
    }

    private static object? StatValue(ParquetColumn column, byte[]? bytes)
    {
        if (bytes is null) return null;
        int width = column.PhysicalType switch
        {
            ParquetPhysicalType.Boolean => 1, ParquetPhysicalType.Int32 or ParquetPhysicalType.Float => 4,
            ParquetPhysicalType.Int64 or ParquetPhysicalType.Double => 8, ParquetPhysicalType.Int96 => 12,
            ParquetPhysicalType.FixedLenByteArray => column.Leaf.TypeLength, _ => -1,
        };
        if (width > 0 && bytes.Length != width) return null;
        var data = width > 0
            ? new ParquetColumnData(column, [0], [(byte)column.MaxDefinitionLevel], 1, bytes, null, 1)
            : new ParquetColumnData(column, [0], [(byte)column.MaxDefinitionLevel], 1, [], ByteArrayOf(bytes), 1);
        return data.GetValue(0);
    }

    private static ByteArrayBuilder ByteArrayOf(byte[] bytes) { var b = new ByteArrayBuilder(); b.Add(bytes); return b; }

    /// <summary>Finds a leaf column by dotted path, or by top-level field name when that field has one leaf.</summary>
    public ParquetColumn Column(string name) => _byName.TryGetValue(name, out var c) ? c
        : throw new ArgumentException($"'{FilePath}' has no column '{name}'; its columns are: {string.Join(", ", Columns.Select(x => x.DottedPath))}.");

    private int ReadChunk(int rowGroup, ParquetColumn column, out ColumnMetaData meta)
    {
        if ((uint)rowGroup >= (uint)_meta.RowGroups.Count) throw new ArgumentOutOfRangeException(nameof(rowGroup), $"'{FilePath}' has {_meta.RowGroups.Count} row groups; {rowGroup} is out of range.");
        var chunk = _meta.RowGroups[rowGroup].Columns[column.Index];
        meta = chunk.MetaData!;
        if (chunk.FilePath is not null) throw Corrupt($"column '{column.DottedPath}' lives in another file ('{chunk.FilePath}'), which is not supported");
        long start = meta.DictionaryPageOffset is > 0 and var d && d < meta.DataPageOffset ? d : meta.DataPageOffset;
        long size = meta.TotalCompressedSize;
        if (start < 4 || size < 0 || start + size > FileLength - 8 || size > int.MaxValue - 64)
            throw Corrupt($"column '{column.DottedPath}' in row group {rowGroup} claims bytes {start}..{start + size}, outside the file of {FileLength} bytes");
        if (meta.NumValues < 0) throw Corrupt($"column '{column.DottedPath}' in row group {rowGroup} has a negative value count");
        if (_chunkBuffer.Length < size) _chunkBuffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(Array.MaxLength, Math.Max(size, _chunkBuffer.Length * 3L / 2)));
        int read = RandomAccess.Read(_file, _chunkBuffer.AsSpan(0, (int)size), start);
        if (read != size) throw Corrupt($"column '{column.DottedPath}' is cut off");
        return (int)size;
    }

    /// <summary>Decodes one column of one row group.</summary>
    public ParquetColumnData ReadColumn(int rowGroup, string column) => ReadColumn(rowGroup, Column(column));

    /// <summary>Decodes one column of one row group.</summary>
    public ParquetColumnData ReadColumn(int rowGroup, ParquetColumn column)
    {
        int length = ReadChunk(rowGroup, column, out var meta);
        return Wrap(() =>
        {
            var dec = new ColumnChunkDecoder(column, meta, _chunkBuffer, length, meta.NumValues);
            byte[] rep = [], def = [], values = [];
            int levels = 0, count = 0;
            var bytes = dec.Width == 0 ? new ByteArrayBuilder() : null;
            while (dec.NextPage())
            {
                Grow(ref rep, levels + dec.Levels);
                Grow(ref def, levels + dec.Levels);
                dec.Rep.AsSpan(0, dec.Levels).CopyTo(rep.AsSpan(levels));
                dec.Def.AsSpan(0, dec.Levels).CopyTo(def.AsSpan(levels));
                levels += dec.Levels;
                if (bytes is not null) dec.DecodeByteArrays(bytes);
                else
                {
                    Grow(ref values, (count + dec.NonNull) * dec.Width);
                    dec.DecodeFixed(values.AsSpan(count * dec.Width, dec.NonNull * dec.Width));
                }
                count += dec.NonNull;
            }
            if (levels != meta.NumValues) throw new ParquetFormatException($"column '{column.DottedPath}' holds {levels} values but its metadata says {meta.NumValues}");
            return new ParquetColumnData(column, rep, def, levels, values, bytes, count);
        });
    }

    private static void Grow(ref byte[] array, long needed)
    {
        if (needed <= array.Length) return;
        if (needed > Array.MaxLength) throw new ParquetFormatException($"a column chunk decodes to more than {Array.MaxLength} bytes");
        Array.Resize(ref array, (int)Math.Min(Array.MaxLength, Math.Max(needed, array.Length * 2L)));
    }

    /// <summary>
    /// Reads a fixed-length float vector column (LIST&lt;FLOAT&gt; or LIST&lt;FLOAT16&gt;, or a flat FLOAT column with dimension 1)
    /// of one row group straight into <paramref name="destination"/> (rows × dimension, row-major). Returns the dimension.
    /// Null rows or rows of another length are an error.
    /// </summary>
    public int ReadFloatVectors(int rowGroup, string column, Span<float> destination)
    {
        var col = Column(column);
        if ((uint)rowGroup >= (uint)_meta.RowGroups.Count) throw new ArgumentOutOfRangeException(nameof(rowGroup), $"'{FilePath}' has {_meta.RowGroups.Count} row groups; {rowGroup} is out of range.");
        long rows = _meta.RowGroups[rowGroup].NumRows;
        bool half = col.PhysicalType == ParquetPhysicalType.FixedLenByteArray && col.Leaf.LogicalType?.Kind == ParquetLogicalKind.Float16;
        if (col.PhysicalType != ParquetPhysicalType.Float && !half)
            throw new ArgumentException($"Column '{col.DottedPath}' in '{FilePath}' holds {col.PhysicalType} values, not FLOAT or FLOAT16.");
        if (col.MaxRepetitionLevel > 1) throw new ArgumentException($"Column '{col.DottedPath}' is a nested list; only flat vectors can be read as a matrix.");
        int length = ReadChunk(rowGroup, col, out var meta);
        int dim = rows == 0 ? 0 : (int)Math.Min(int.MaxValue, meta.NumValues / rows);
        if (rows > 0 && (long)dim * rows != meta.NumValues) throw new ArgumentException($"Column '{col.DottedPath}' holds {meta.NumValues} values in {rows} rows, which is not a fixed-length vector per row.");
        if (destination.Length != rows * dim)
            throw new ArgumentException($"Row group {rowGroup} of '{FilePath}' holds {rows} × {dim} floats in '{col.DottedPath}' but the destination has room for {destination.Length}.");
        try
        {
            var dec = new ColumnChunkDecoder(col, meta, _chunkBuffer, length, meta.NumValues);
            int written = 0;
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
            byte[]? halfBuffer = null;
            while (dec.NextPage())
            {
                if (dec.NonNull != dec.Levels) throw new ArgumentException($"Column '{col.DottedPath}' has null vectors or elements; read it with ReadColumn instead.");
                var rep = dec.Rep.AsSpan(0, dec.Levels);
                // Each row must start (repetition level 0) exactly every dim values; checked a row at a time, vectorized.
                int phase = written % dim, i = 0;
                while (i < rep.Length)
                {
                    bool ok;
                    if (phase == 0) { ok = rep[i] == 0; i++; phase = dim == 1 ? 0 : 1; }
                    else
                    {
                        int run = Math.Min(dim - phase, rep.Length - i);
                        ok = !rep.Slice(i, run).Contains((byte)0);
                        i += run;
                        phase = (phase + run) % dim;
                    }
                    if (!ok) throw new ArgumentException($"Column '{col.DottedPath}' does not hold {dim} values in every row; read it with ReadColumn instead.");
                }
                if (written + dec.Levels > destination.Length) throw new ParquetFormatException($"column '{col.DottedPath}' holds more values than its metadata says");
                if (!half) dec.DecodeFixed(bytes.Slice(written * 4, dec.Levels * 4));
                else
                {
                    if (halfBuffer is null || halfBuffer.Length < dec.Levels * 2) halfBuffer = new byte[dec.Levels * 2];
                    dec.DecodeFixed(halfBuffer.AsSpan(0, dec.Levels * 2));
                    System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(
                        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(halfBuffer.AsSpan(0, dec.Levels * 2)), destination.Slice(written, dec.Levels));
                }
                written += dec.Levels;
            }
            if (written != destination.Length) throw new ParquetFormatException($"column '{col.DottedPath}' holds {written} values but its metadata says {destination.Length}");
            return dim;
        }
        catch (ParquetFormatException e) when (!e.Message.StartsWith('\'')) { throw Corrupt(e.Message.TrimEnd('.'), e); }
    }

    /// <summary>Reads a vector column of one row group into a new rows × dimension matrix.</summary>
    public float[] ReadFloatMatrix(int rowGroup, string column, out int dimension)
    {
        var col = Column(column);
        if ((uint)rowGroup >= (uint)_meta.RowGroups.Count) throw new ArgumentOutOfRangeException(nameof(rowGroup), $"'{FilePath}' has {_meta.RowGroups.Count} row groups; {rowGroup} is out of range.");
        var meta = _meta.RowGroups[rowGroup].Columns[col.Index].MetaData!;
        if (meta.NumValues > Array.MaxLength) throw Corrupt($"column '{col.DottedPath}' claims {meta.NumValues} values");
        if ((long)meta.NumValues * 4 > FileLength * 64L + (1 << 20)) throw Corrupt($"column '{col.DottedPath}' claims {meta.NumValues} values, implausibly many for the file size");
        var result = new float[meta.NumValues];
        dimension = ReadFloatVectors(rowGroup, column, result);
        return result;
    }

    /// <summary>Indices of row groups whose statistics for <paramref name="column"/> may hold a value in [low, high]; groups without statistics are kept.</summary>
    public IEnumerable<int> RowGroupsOverlapping(string column, IComparable low, IComparable high)
    {
        var col = Column(column);
        foreach (var g in RowGroups)
        {
            var s = g.Statistics[col.Index];
            bool skip = false;
            try
            {
                if (s.Max is { } max && low.CompareTo(System.Convert.ChangeType(max, low.GetType(), System.Globalization.CultureInfo.InvariantCulture)) > 0) skip = true;
                if (s.Min is { } min && high.CompareTo(System.Convert.ChangeType(min, high.GetType(), System.Globalization.CultureInfo.InvariantCulture)) < 0) skip = true;
            }
            catch (InvalidCastException) { skip = false; }
            if (!skip) yield return g.Index;
        }
    }

    /// <summary>Streams row groups one at a time, decoding only the named columns (all when null); memory is bounded by one row group.</summary>
    public IEnumerable<IReadOnlyDictionary<string, ParquetColumnData>> ReadRowGroups(IReadOnlyList<string>? columns = null, IEnumerable<int>? rowGroups = null)
    {
        var selected = columns?.Select(Column).ToList() ?? [.. Columns];
        foreach (int g in rowGroups ?? Enumerable.Range(0, RowGroups.Count))
        {
            var result = new Dictionary<string, ParquetColumnData>(StringComparer.Ordinal);
            foreach (var c in selected) result[c.DottedPath] = ReadColumn(g, c);
            yield return result;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}

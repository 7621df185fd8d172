using System.Runtime.InteropServices;
using Analysis.Parquet.Encodings;

namespace Analysis.Parquet;

/// <summary>
/// One column of one row group as decoded: repetition and definition levels plus the non-null values, stored
/// contiguously (fixed-width values as one byte block, byte arrays back to back with offsets).
/// </summary>
public sealed class ParquetColumnData
{
    private readonly byte[] _fixed;
    private readonly ByteArrayBuilder? _bytes;
    private readonly byte[] _rep, _def;

    internal ParquetColumnData(ParquetColumn column, byte[] rep, byte[] def, int levels, byte[] fixedValues, ByteArrayBuilder? bytes, int valueCount)
    {
        Column = column;
        _rep = rep;
        _def = def;
        LevelCount = levels;
        _fixed = fixedValues;
        _bytes = bytes;
        ValueCount = valueCount;
    }

    /// <summary>The column this data belongs to.</summary>
    public ParquetColumn Column { get; }
    /// <summary>Number of level entries (rows for a flat column).</summary>
    public int LevelCount { get; }
    /// <summary>Number of non-null values.</summary>
    public int ValueCount { get; }
    /// <summary>Repetition levels (all zero for a flat column).</summary>
    public ReadOnlySpan<byte> RepetitionLevels => _rep.AsSpan(0, LevelCount);
    /// <summary>Definition levels (a value is present where the level equals the column's maximum).</summary>
    public ReadOnlySpan<byte> DefinitionLevels => _def.AsSpan(0, LevelCount);

    /// <summary>The non-null values of a fixed-width column as <typeparamref name="T"/> (int, long, float, double, Half, byte for booleans).</summary>
    public ReadOnlySpan<T> Values<T>() where T : unmanaged
    {
        int width = ValueWidthOf();
        if (_bytes is not null || System.Runtime.CompilerServices.Unsafe.SizeOf<T>() != width)
            throw new ArgumentException($"Column '{Column.DottedPath}' holds {Column.PhysicalType} values ({(width == 0 ? "variable" : width)} bytes each); {typeof(T).Name} does not match. Use GetBytes or GetValue for byte arrays.");
        return MemoryMarshal.Cast<byte, T>(_fixed.AsSpan(0, ValueCount * width));
    }

    private int ValueWidthOf() => Column.PhysicalType switch
    {
        ParquetPhysicalType.Boolean => 1,
        ParquetPhysicalType.Int32 or ParquetPhysicalType.Float => 4,
        ParquetPhysicalType.Int64 or ParquetPhysicalType.Double => 8,
        ParquetPhysicalType.Int96 => 12,
        ParquetPhysicalType.FixedLenByteArray => Column.Leaf.TypeLength,
        _ => 0,
    };

    /// <summary>The bytes of non-null value <paramref name="i"/> (BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY columns).</summary>
    public ReadOnlySpan<byte> GetBytes(int i)
    {
        if (_bytes is not null) return _bytes[i];
        int w = ValueWidthOf();
        return _fixed.AsSpan(i * w, w);
    }

    /// <summary>Non-null value <paramref name="i"/> converted by its logical type (string, long, double, DateOnly, DateTime, float for FLOAT16, byte[] otherwise).</summary>
    public object GetValue(int i) => ValueConversion.Convert(Column, this, i);

    /// <summary>Reassembles one value per row: null, a scalar, or nested lists (repeated nodes become lists).</summary>
    public IReadOnlyList<object?> ToRows() => Reading.RowAssembler.Assemble(this);
}

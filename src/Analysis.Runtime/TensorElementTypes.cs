namespace Analysis.Runtime;

/// <summary>Sizes of element types and the CLR type each one maps to.</summary>
public static class TensorElementTypes
{
    /// <summary>The element type stored as <typeparamref name="T"/>, or <see cref="TensorElementType.Undefined"/> when none is natural.</summary>
    public static TensorElementType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(Half) ? TensorElementType.Float16
        : typeof(T) == typeof(double) ? TensorElementType.Double
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : typeof(T) == typeof(int) ? TensorElementType.Int32
        : typeof(T) == typeof(short) ? TensorElementType.Int16
        : typeof(T) == typeof(sbyte) ? TensorElementType.Int8
        : typeof(T) == typeof(byte) ? TensorElementType.UInt8
        : typeof(T) == typeof(bool) ? TensorElementType.Bool
        : typeof(T) == typeof(ushort) ? TensorElementType.UInt16
        : typeof(T) == typeof(uint) ? TensorElementType.UInt32
        : typeof(T) == typeof(ulong) ? TensorElementType.UInt64
        : TensorElementType.Undefined;

    /// <summary>Bits per element (4 and 2 for the packed types; 0 for strings and undefined).</summary>
    public static int BitsPerElement(this TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 32,
        TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 or TensorElementType.Complex64 => 64,
        TensorElementType.Complex128 => 128,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 16,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool or TensorElementType.Float8E4M3FN
            or TensorElementType.Float8E4M3FNUZ or TensorElementType.Float8E5M2 or TensorElementType.Float8E5M2FNUZ
            or TensorElementType.Float8E8M0 => 8,
        TensorElementType.UInt4 or TensorElementType.Int4 or TensorElementType.Float4E2M1 => 4,
        TensorElementType.UInt2 or TensorElementType.Int2 => 2,
        _ => 0,
    };

    /// <summary>Bytes that <paramref name="count"/> elements occupy (packed types round up to whole bytes).</summary>
    public static long ByteLength(this TensorElementType type, long count) => checked(count * type.BitsPerElement() + 7) / 8;

    /// <summary>Whether values of <typeparamref name="T"/> can view elements of <paramref name="type"/>: the natural
    /// CLR type, or a same-sized stand-in for types .NET lacks (<see cref="ushort"/> for bfloat16, <see cref="byte"/> for float8).</summary>
    public static bool CanView<T>(this TensorElementType type) where T : unmanaged
    {
        var natural = Of<T>();
        if (natural == type) return true;
        var bits = type.BitsPerElement();
        var hasNatural = type is not (TensorElementType.BFloat16 or TensorElementType.Float8E4M3FN or TensorElementType.Float8E4M3FNUZ
            or TensorElementType.Float8E5M2 or TensorElementType.Float8E5M2FNUZ or TensorElementType.Float8E8M0
            or TensorElementType.Complex64 or TensorElementType.Complex128);
        return !hasNatural && bits >= 8 && bits == System.Runtime.CompilerServices.Unsafe.SizeOf<T>() * 8;
    }
}

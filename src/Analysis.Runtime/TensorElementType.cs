namespace Analysis.Runtime;

/// <summary>Element types of tensors; the numbers are ONNX's <c>TensorProto.DataType</c>.</summary>
public enum TensorElementType
{
    /// <summary>Not a tensor, or unknown.</summary>
    Undefined = 0,
    /// <summary>32-bit float (<see cref="float"/>).</summary>
    Float = 1,
    /// <summary><see cref="byte"/>.</summary>
    UInt8 = 2,
    /// <summary><see cref="sbyte"/>.</summary>
    Int8 = 3,
    /// <summary><see cref="ushort"/>.</summary>
    UInt16 = 4,
    /// <summary><see cref="short"/>.</summary>
    Int16 = 5,
    /// <summary><see cref="int"/>.</summary>
    Int32 = 6,
    /// <summary><see cref="long"/>.</summary>
    Int64 = 7,
    /// <summary>UTF-8 strings.</summary>
    String = 8,
    /// <summary><see cref="bool"/> (one byte).</summary>
    Bool = 9,
    /// <summary>IEEE half (<see cref="Half"/>).</summary>
    Float16 = 10,
    /// <summary><see cref="double"/>.</summary>
    Double = 11,
    /// <summary><see cref="uint"/>.</summary>
    UInt32 = 12,
    /// <summary><see cref="ulong"/>.</summary>
    UInt64 = 13,
    /// <summary>Two 32-bit floats.</summary>
    Complex64 = 14,
    /// <summary>Two 64-bit floats.</summary>
    Complex128 = 15,
    /// <summary>Brain float: the upper 16 bits of a float (use <see cref="ushort"/> storage).</summary>
    BFloat16 = 16,
    /// <summary>8-bit float E4M3FN.</summary>
    Float8E4M3FN = 17,
    /// <summary>8-bit float E4M3FNUZ.</summary>
    Float8E4M3FNUZ = 18,
    /// <summary>8-bit float E5M2.</summary>
    Float8E5M2 = 19,
    /// <summary>8-bit float E5M2FNUZ.</summary>
    Float8E5M2FNUZ = 20,
    /// <summary>4-bit unsigned integers, two per byte.</summary>
    UInt4 = 21,
    /// <summary>4-bit signed integers, two per byte.</summary>
    Int4 = 22,
    /// <summary>4-bit float E2M1, two per byte.</summary>
    Float4E2M1 = 23,
    /// <summary>2-bit unsigned integers, four per byte.</summary>
    UInt2 = 24,
    /// <summary>2-bit signed integers, four per byte.</summary>
    Int2 = 25,
    /// <summary>8-bit float E8M0 (a power of two).</summary>
    Float8E8M0 = 26,
}

using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

/// <summary>
/// A tensor's declared shape against the data it holds. Sizes come from the file, so they are checked before anything
/// trusts them: a dimension that is negative, a product that overflows, or a shape of 10^12 elements over a few bytes of
/// data is refused when the model is loaded, never allocated.
/// </summary>
internal static class TensorSize
{
    /// <summary>The product of the dimensions, refused when one is negative or the product overflows.</summary>
    public static long ElementCount(TensorProto t, string modelName)
    {
        long count = 1;
        foreach (var d in t.Dims)
        {
            if (d < 0) throw Corrupt(t, modelName, $"has the negative dimension {d}");
            try { count = checked(count * d); }
            catch (OverflowException) { throw Corrupt(t, modelName, $"declares the shape [{string.Join(", ", t.Dims)}], over 2^63 elements"); }
        }
        return count;
    }

    /// <summary>Bytes that <paramref name="count"/> elements of <paramref name="type"/> take, or null for strings and unknown types.</summary>
    public static long? Bytes(DataType type, long count)
    {
        int? bits = type switch
        {
            DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 64,
            DataType.Complex128 => 128,
            DataType.Float or DataType.Int32 or DataType.Uint32 => 32,
            DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16 => 16,
            DataType.Int8 or DataType.Uint8 or DataType.Bool or DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz
                or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz or DataType.Float8E8M0 => 8,
            DataType.Int4 or DataType.Uint4 or DataType.Float4E2M1 => 4,
            DataType.Int2 or DataType.Uint2 => 2,
            _ => null,
        };
        if (bits is not { } b) return null;
        // count ≤ 2^63 - 1, so count / 8 * bits cannot overflow for bits ≤ 128 unless the tensor is absurd anyway.
        try { return checked(count / 8 * b + (count % 8 * b + 7) / 8); }
        catch (OverflowException) { return long.MaxValue; }
    }

    /// <summary>
    /// Refuses an inline tensor whose data does not match its shape. External tensors are checked against their file
    /// when it is looked at (<see cref="CheckExternal"/>).
    /// </summary>
    public static void CheckInline(TensorProto t, string modelName)
    {
        var count = ElementCount(t, modelName);
        if (ExternalDataReference.IsExternal(t) || t.Segment is not null) return;
        var type = (DataType)t.DataType;
        if (t.HasRawData)
        {
            if (Bytes(type, count) is { } expected && t.RawData.Length != expected)
                throw Corrupt(t, modelName, $"declares the shape [{string.Join(", ", t.Dims)}] ({count:N0} {type} elements, {expected:N0} bytes) but holds {t.RawData.Length:N0} bytes of data");
            return;
        }
        // Typed fields: one entry per element (two for complex numbers); sub-byte types may pack, so they are not checked.
        long? stored = type switch
        {
            DataType.Float => t.FloatData.Count,
            DataType.Complex64 => t.FloatData.Count / 2,
            DataType.Double => t.DoubleData.Count,
            DataType.Complex128 => t.DoubleData.Count / 2,
            DataType.Int64 => t.Int64Data.Count,
            DataType.Uint32 or DataType.Uint64 => t.Uint64Data.Count,
            DataType.String => t.StringData.Count,
            DataType.Int32 or DataType.Int16 or DataType.Uint16 or DataType.Int8 or DataType.Uint8 or DataType.Bool
                or DataType.Float16 or DataType.Bfloat16 or DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz
                or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz or DataType.Float8E8M0 => t.Int32Data.Count,
            _ => null,
        };
        if (stored is { } n && n != count)
            throw Corrupt(t, modelName, $"declares the shape [{string.Join(", ", t.Dims)}] ({count:N0} {type} elements) but holds {n:N0}");
    }

    /// <summary>Refuses an external tensor whose byte range (given, or to the end of its file) does not match its shape.</summary>
    public static void CheckExternal(TensorProto t, string modelName, long? availableBytes)
    {
        var count = ElementCount(t, modelName);
        if (Bytes((DataType)t.DataType, count) is not { } expected) return;
        if (availableBytes is { } have && have != expected)
            throw Corrupt(t, modelName, $"declares the shape [{string.Join(", ", t.Dims)}] ({count:N0} {(DataType)t.DataType} elements, {expected:N0} bytes) but its external data holds {have:N0} bytes");
    }

    private static OnnxFormatException Corrupt(TensorProto t, string modelName, string problem) =>
        new($"Tensor '{t.Name}' in '{modelName}' {problem}; the file is corrupt or was not written by a trusted tool, so re-export the model.");
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

/// <summary>Reads a tensor's inline data whichever field holds it (raw_data or the typed repeated fields).</summary>
internal static class TensorData
{
    public static byte[] ToRawBytes(TensorProto t)
    {
        if (t.HasRawData) return t.RawData.ToByteArray();
        var type = (DataType)t.DataType;
        switch (type)
        {
            case DataType.Float or DataType.Complex64:
                return MemoryMarshal.AsBytes(t.FloatData.ToArray().AsSpan()).ToArray();
            case DataType.Double or DataType.Complex128:
                return MemoryMarshal.AsBytes(t.DoubleData.ToArray().AsSpan()).ToArray();
            case DataType.Int64:
                return MemoryMarshal.AsBytes(t.Int64Data.ToArray().AsSpan()).ToArray();
            case DataType.Uint64:
                return MemoryMarshal.AsBytes(t.Uint64Data.ToArray().AsSpan()).ToArray();
            case DataType.Uint32:
                return MemoryMarshal.AsBytes(t.Uint64Data.Select(v => (uint)v).ToArray().AsSpan()).ToArray();
            case DataType.Int32:
                return MemoryMarshal.AsBytes(t.Int32Data.ToArray().AsSpan()).ToArray();
            case DataType.Int16 or DataType.Uint16 or DataType.Float16 or DataType.Bfloat16:
                return MemoryMarshal.AsBytes(t.Int32Data.Select(v => (ushort)v).ToArray().AsSpan()).ToArray();
            case DataType.Int8 or DataType.Uint8 or DataType.Bool
                or DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz:
                return t.Int32Data.Select(v => (byte)v).ToArray();
            default:
                throw new OnnxFormatException($"Tensor '{t.Name}' has element type {type}, whose data cannot be read as bytes.");
        }
    }

    /// <summary>Integer values of a small int64/int32 tensor (shapes, axes, indices), or null for other types.</summary>
    public static long[]? ToInt64s(TensorProto t)
    {
        if (ExternalDataReference.IsExternal(t)) return null;
        var type = (DataType)t.DataType;
        if (type == DataType.Int64)
        {
            if (!t.HasRawData) return t.Int64Data.ToArray();
            var raw = t.RawData.Span;
            var v = new long[raw.Length / 8];
            for (var i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
            return v;
        }
        if (type == DataType.Int32)
        {
            if (!t.HasRawData) return t.Int32Data.Select(x => (long)x).ToArray();
            var raw = t.RawData.Span;
            var v = new long[raw.Length / 4];
            for (var i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]);
            return v;
        }
        return null;
    }

    /// <summary>Float values of a small float tensor, or null for other types.</summary>
    public static float[]? ToFloats(TensorProto t)
    {
        if (ExternalDataReference.IsExternal(t) || (DataType)t.DataType != DataType.Float) return null;
        if (!t.HasRawData) return t.FloatData.ToArray();
        var raw = t.RawData.Span;
        var v = new float[raw.Length / 4];
        for (var i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
        return v;
    }
}

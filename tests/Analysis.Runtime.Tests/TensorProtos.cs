using System.Runtime.InteropServices;
using Analysis.Onnx.Proto;
using Google.Protobuf;

namespace Analysis.Runtime.Tests;

/// <summary>A tensor read from an ONNX <c>TensorProto</c> file: element type, shape, and bytes as ORT lays them out.</summary>
internal sealed record ProtoTensor(TensorElementType ElementType, long[] Shape, byte[] Bytes, string[]? Strings)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public static ProtoTensor Read(string path) => From(TensorProto.Parser.ParseFrom(File.ReadAllBytes(path)));

    /// <summary>Converts any of TensorProto's storage forms (raw_data or the typed repeated fields) to dense bytes.</summary>
    public static ProtoTensor From(TensorProto proto)
    {
        var type = (TensorElementType)proto.DataType;
        var shape = proto.Dims.ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (type == TensorElementType.String)
            return new ProtoTensor(type, shape, [], proto.StringData.Select(s => s.ToStringUtf8()).ToArray());
        if (!proto.RawData.IsEmpty) return new ProtoTensor(type, shape, proto.RawData.ToByteArray(), null);
        byte[] bytes = type switch
        {
            TensorElementType.Float => MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).ToArray(),
            TensorElementType.Double => MemoryMarshal.AsBytes(proto.DoubleData.ToArray().AsSpan()).ToArray(),
            TensorElementType.Int64 => MemoryMarshal.AsBytes(proto.Int64Data.ToArray().AsSpan()).ToArray(),
            TensorElementType.UInt64 => MemoryMarshal.AsBytes(proto.Uint64Data.ToArray().AsSpan()).ToArray(),
            TensorElementType.UInt32 => MemoryMarshal.AsBytes(proto.Uint64Data.Select(v => (uint)v).ToArray().AsSpan()).ToArray(),
            TensorElementType.Int32 => MemoryMarshal.AsBytes(proto.Int32Data.ToArray().AsSpan()).ToArray(),
            TensorElementType.Int16 => MemoryMarshal.AsBytes(proto.Int32Data.Select(v => (short)v).ToArray().AsSpan()).ToArray(),
            TensorElementType.UInt16 or TensorElementType.Float16 or TensorElementType.BFloat16 =>
                MemoryMarshal.AsBytes(proto.Int32Data.Select(v => (ushort)v).ToArray().AsSpan()).ToArray(),
            TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool or TensorElementType.Float8E4M3FN
                or TensorElementType.Float8E4M3FNUZ or TensorElementType.Float8E5M2 or TensorElementType.Float8E5M2FNUZ =>
                proto.Int32Data.Select(v => (byte)v).ToArray(),
            TensorElementType.Int4 or TensorElementType.UInt4 => Pack4(proto.Int32Data, count),
            TensorElementType.Complex64 => MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).ToArray(),
            TensorElementType.Complex128 => MemoryMarshal.AsBytes(proto.DoubleData.ToArray().AsSpan()).ToArray(),
            _ => throw new NotSupportedException($"TensorProto data type {proto.DataType} is not handled by the test reader."),
        };
        return new ProtoTensor(type, shape, bytes, null);
    }

    /// <summary>The tensor as an input over its own bytes (no copy).</summary>
    public Tensor ToTensor() => Strings is not null ? Tensor.FromStrings(Strings, Shape) : Tensor.Create(ElementType, Bytes.AsMemory(), Shape);

    // int32_data of 4-bit types holds one packed byte (two elements) per entry.
    private static byte[] Pack4(IEnumerable<int> packed, long count) => packed.Select(v => (byte)v).Take((int)((count + 1) / 2)).ToArray();
}

using System.Buffers;
using System.Buffers.Binary;

namespace Analysis.Parquet.Thrift;

/// <summary>Encodes the Thrift compact protocol into a growable buffer. Callers keep each struct's last field id.</summary>
internal sealed class CompactWriter(ArrayBufferWriter<byte> output)
{
    public ArrayBufferWriter<byte> Output { get; } = output;

    public CompactWriter() : this(new ArrayBufferWriter<byte>(256)) { }

    public void WriteByte(byte b) { Output.GetSpan(1)[0] = b; Output.Advance(1); }

    public void WriteVarint(ulong v)
    {
        var span = Output.GetSpan(10);
        int i = 0;
        while (v >= 0x80) { span[i++] = (byte)(v | 0x80); v >>= 7; }
        span[i++] = (byte)v;
        Output.Advance(i);
    }

    public void WriteI64(long v) => WriteVarint((ulong)((v << 1) ^ (v >> 63)));

    public void WriteI32(int v) => WriteI64(v);

    public void WriteBinary(ReadOnlySpan<byte> bytes)
    {
        WriteVarint((ulong)bytes.Length);
        bytes.CopyTo(Output.GetSpan(bytes.Length));
        Output.Advance(bytes.Length);
    }

    public void WriteString(string s) => WriteBinary(System.Text.Encoding.UTF8.GetBytes(s));

    public void WriteDouble(double d) { BinaryPrimitives.WriteDoubleLittleEndian(Output.GetSpan(8), d); Output.Advance(8); }

    public void FieldHeader(ref short lastId, short id, CompactType type)
    {
        int delta = id - lastId;
        if (delta is > 0 and <= 15) WriteByte((byte)((delta << 4) | (int)type));
        else { WriteByte((byte)type); WriteI32(id); }
        lastId = id;
    }

    public void Stop() => WriteByte(0);

    public void ListHeader(int count, CompactType elementType)
    {
        if (count < 15) WriteByte((byte)((count << 4) | (int)elementType));
        else { WriteByte((byte)(0xF0 | (int)elementType)); WriteVarint((ulong)count); }
    }

    public void I32Field(ref short last, short id, int v) { FieldHeader(ref last, id, CompactType.I32); WriteI32(v); }

    public void I64Field(ref short last, short id, long v) { FieldHeader(ref last, id, CompactType.I64); WriteI64(v); }

    public void BoolField(ref short last, short id, bool v) => FieldHeader(ref last, id, v ? CompactType.BooleanTrue : CompactType.BooleanFalse);

    public void BinaryField(ref short last, short id, ReadOnlySpan<byte> v) { FieldHeader(ref last, id, CompactType.Binary); WriteBinary(v); }

    public void StringField(ref short last, short id, string v) { FieldHeader(ref last, id, CompactType.Binary); WriteString(v); }

    /// <summary>Writes an empty struct as a field (the marker structs of LogicalType unions).</summary>
    public void EmptyStructField(ref short last, short id) { FieldHeader(ref last, id, CompactType.Struct); Stop(); }
}

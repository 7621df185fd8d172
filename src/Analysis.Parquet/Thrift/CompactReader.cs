namespace Analysis.Parquet.Thrift;

/// <summary>
/// Decodes the Thrift compact protocol from a byte span. Every read is bounds-checked and every
/// length is checked against the bytes left, so corrupt input fails with <see cref="ParquetFormatException"/>
/// instead of over-reading or allocating absurd buffers.
/// </summary>
internal ref struct CompactReader(ReadOnlySpan<byte> data)
{
    private const int MaxDepth = 64;
    private readonly ReadOnlySpan<byte> _data = data;
    private int _depth;

    /// <summary>Bytes consumed so far.</summary>
    public int Position { get; private set; }

    private static ParquetFormatException Corrupt(string what) => new($"Thrift metadata is corrupt: {what}.");

    public byte ReadByte()
    {
        if (Position >= _data.Length) throw Corrupt("it ends in the middle of a value");
        return _data[Position++];
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Corrupt("a varint is longer than 10 bytes");
    }

    public long ReadI64() { ulong v = ReadVarint(); return (long)(v >> 1) ^ -(long)(v & 1); }

    public int ReadI32()
    {
        long v = ReadI64();
        if (v is < int.MinValue or > int.MaxValue) throw Corrupt("an i32 value is out of range");
        return (int)v;
    }

    public double ReadDouble()
    {
        var bytes = Take(8);
        return BitConverter.ToDouble(bytes);
    }

    public ReadOnlySpan<byte> ReadBinary()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - Position)) throw Corrupt($"a binary field claims {length} bytes but only {_data.Length - Position} remain");
        return Take((int)length);
    }

    public byte[] ReadBinaryArray() => ReadBinary().ToArray();

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBinary());

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _data.Length - Position) throw Corrupt("it ends in the middle of a value");
        var s = _data.Slice(Position, n);
        Position += n;
        return s;
    }

    /// <summary>Reads the next field header of the current struct; false at its stop byte.</summary>
    public bool ReadField(ref short lastId, out CompactType type)
    {
        byte header = ReadByte();
        type = (CompactType)(header & 0x0F);
        if (type == CompactType.Stop) return false;
        int delta = header >> 4;
        if (delta != 0) lastId = (short)(lastId + delta);
        else
        {
            int id = ReadI32();
            if (id is < short.MinValue or > short.MaxValue) throw Corrupt("a field id is out of range");
            lastId = (short)id;
        }
        if (type > CompactType.Struct) throw Corrupt($"unknown field type {(int)type}");
        return true;
    }

    /// <summary>Reads a list header; the count is checked against the bytes left (every element takes at least one byte, except bools in a list of bools which take one too).</summary>
    public int ReadListHeader(out CompactType elementType)
    {
        byte header = ReadByte();
        elementType = (CompactType)(header & 0x0F);
        ulong size = (ulong)(header >> 4);
        if (size == 15) size = ReadVarint();
        if (size > (ulong)(_data.Length - Position)) throw Corrupt($"a list claims {size} elements but only {_data.Length - Position} bytes remain");
        return (int)size;
    }

    public static bool BoolOf(CompactType type) => type == CompactType.BooleanTrue;

    public void EnterStruct() { if (++_depth > MaxDepth) throw Corrupt("structs are nested too deeply"); }

    public void LeaveStruct() => _depth--;

    /// <summary>Skips a value of the given type (unknown fields of newer writers).</summary>
    public void Skip(CompactType type)
    {
        switch (type)
        {
            case CompactType.BooleanTrue or CompactType.BooleanFalse: return;
            case CompactType.Byte: ReadByte(); return;
            case CompactType.I16 or CompactType.I32 or CompactType.I64: ReadVarint(); return;
            case CompactType.Double: Take(8); return;
            case CompactType.Binary: ReadBinary(); return;
            case CompactType.List or CompactType.Set:
            {
                int n = ReadListHeader(out var et);
                EnterStruct();
                for (int i = 0; i < n; i++)
                {
                    if (et is CompactType.BooleanTrue or CompactType.BooleanFalse) ReadByte();
                    else Skip(et);
                }
                LeaveStruct();
                return;
            }
            case CompactType.Map:
            {
                ulong n = ReadVarint();
                if (n == 0) return;
                if (n > (ulong)(_data.Length - Position)) throw Corrupt("a map claims more entries than bytes remain");
                byte kv = ReadByte();
                EnterStruct();
                for (ulong i = 0; i < n; i++) { SkipElement((CompactType)(kv >> 4)); SkipElement((CompactType)(kv & 0x0F)); }
                LeaveStruct();
                return;
            }
            case CompactType.Struct:
            {
                EnterStruct();
                short last = 0;
                while (ReadField(ref last, out var ft)) Skip(ft);
                LeaveStruct();
                return;
            }
            default: throw Corrupt($"cannot skip a value of type {(int)type}");
        }
    }

    private void SkipElement(CompactType t)
    {
        if (t is CompactType.BooleanTrue or CompactType.BooleanFalse) ReadByte(); else Skip(t);
    }
}

using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Format;

/// <summary>Min/max/null count of a column chunk or page (Thrift struct Statistics). Values are PLAIN-encoded bytes.</summary>
internal sealed class Statistics
{
    public byte[]? LegacyMax;
    public byte[]? LegacyMin;
    public long? NullCount;
    public long? DistinctCount;
    public byte[]? MaxValue;
    public byte[]? MinValue;

    public static Statistics Read(ref CompactReader r)
    {
        var s = new Statistics();
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.Binary: s.LegacyMax = r.ReadBinaryArray(); break;
                case 2 when t == CompactType.Binary: s.LegacyMin = r.ReadBinaryArray(); break;
                case 3 when t == CompactType.I64: s.NullCount = r.ReadI64(); break;
                case 4 when t == CompactType.I64: s.DistinctCount = r.ReadI64(); break;
                case 5 when t == CompactType.Binary: s.MaxValue = r.ReadBinaryArray(); break;
                case 6 when t == CompactType.Binary: s.MinValue = r.ReadBinaryArray(); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return s;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        if (NullCount is { } n) w.I64Field(ref last, 3, n);
        if (DistinctCount is { } d) w.I64Field(ref last, 4, d);
        if (MaxValue is { } max) w.BinaryField(ref last, 5, max);
        if (MinValue is { } min) w.BinaryField(ref last, 6, min);
        w.Stop();
    }
}

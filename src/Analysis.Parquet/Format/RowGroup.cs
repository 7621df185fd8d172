using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Format;

/// <summary>A horizontal slice of the table (Thrift struct RowGroup).</summary>
internal sealed class RowGroup
{
    public List<ColumnChunk> Columns = [];
    public long TotalByteSize;
    public long NumRows;
    public long? FileOffset;
    public long? TotalCompressedSize;
    public short? Ordinal;

    public static RowGroup Read(ref CompactReader r)
    {
        var g = new RowGroup();
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out var et);
                    if (et != CompactType.Struct) throw new ParquetFormatException("Thrift metadata is corrupt: row group columns are not structs.");
                    for (int i = 0; i < n; i++) g.Columns.Add(ColumnChunk.Read(ref r));
                    break;
                }
                case 2 when t == CompactType.I64: g.TotalByteSize = r.ReadI64(); break;
                case 3 when t == CompactType.I64: g.NumRows = r.ReadI64(); break;
                case 5 when t == CompactType.I64: g.FileOffset = r.ReadI64(); break;
                case 6 when t == CompactType.I64: g.TotalCompressedSize = r.ReadI64(); break;
                case 7 when t == CompactType.I16: g.Ordinal = (short)r.ReadI32(); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return g;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.FieldHeader(ref last, 1, CompactType.List);
        w.ListHeader(Columns.Count, CompactType.Struct);
        foreach (var c in Columns) c.Write(w);
        w.I64Field(ref last, 2, TotalByteSize);
        w.I64Field(ref last, 3, NumRows);
        if (FileOffset is { } fo) w.I64Field(ref last, 5, fo);
        if (TotalCompressedSize is { } tc) w.I64Field(ref last, 6, tc);
        if (Ordinal is { } o) { w.FieldHeader(ref last, 7, CompactType.I16); w.WriteI32(o); }
        w.Stop();
    }
}

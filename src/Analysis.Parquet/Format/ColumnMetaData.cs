using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Format;

/// <summary>Where a column chunk's pages are and how they are encoded (Thrift struct ColumnMetaData).</summary>
internal sealed class ColumnMetaData
{
    public ParquetPhysicalType Type;
    public List<Encoding> Encodings = [];
    public List<string> PathInSchema = [];
    public ParquetCompression Codec;
    public long NumValues;
    public long TotalUncompressedSize;
    public long TotalCompressedSize;
    public long DataPageOffset;
    public long? IndexPageOffset;
    public long? DictionaryPageOffset;
    public Statistics? Statistics;

    public static ColumnMetaData Read(ref CompactReader r)
    {
        var m = new ColumnMetaData();
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.I32: m.Type = (ParquetPhysicalType)r.ReadI32(); break;
                case 2 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out var et);
                    if (et != CompactType.I32) throw new ParquetFormatException("Thrift metadata is corrupt: column encodings are not i32.");
                    for (int i = 0; i < n; i++) m.Encodings.Add((Encoding)r.ReadI32());
                    break;
                }
                case 3 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out var et);
                    if (et != CompactType.Binary) throw new ParquetFormatException("Thrift metadata is corrupt: path_in_schema is not a list of strings.");
                    for (int i = 0; i < n; i++) m.PathInSchema.Add(r.ReadString());
                    break;
                }
                case 4 when t == CompactType.I32: m.Codec = (ParquetCompression)r.ReadI32(); break;
                case 5 when t == CompactType.I64: m.NumValues = r.ReadI64(); break;
                case 6 when t == CompactType.I64: m.TotalUncompressedSize = r.ReadI64(); break;
                case 7 when t == CompactType.I64: m.TotalCompressedSize = r.ReadI64(); break;
                case 9 when t == CompactType.I64: m.DataPageOffset = r.ReadI64(); break;
                case 10 when t == CompactType.I64: m.IndexPageOffset = r.ReadI64(); break;
                case 11 when t == CompactType.I64: m.DictionaryPageOffset = r.ReadI64(); break;
                case 12 when t == CompactType.Struct: m.Statistics = Statistics.Read(ref r); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return m;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.I32Field(ref last, 1, (int)Type);
        w.FieldHeader(ref last, 2, CompactType.List);
        w.ListHeader(Encodings.Count, CompactType.I32);
        foreach (var e in Encodings) w.WriteI32((int)e);
        w.FieldHeader(ref last, 3, CompactType.List);
        w.ListHeader(PathInSchema.Count, CompactType.Binary);
        foreach (var p in PathInSchema) w.WriteString(p);
        w.I32Field(ref last, 4, (int)Codec);
        w.I64Field(ref last, 5, NumValues);
        w.I64Field(ref last, 6, TotalUncompressedSize);
        w.I64Field(ref last, 7, TotalCompressedSize);
        w.I64Field(ref last, 9, DataPageOffset);
        if (DictionaryPageOffset is { } d) w.I64Field(ref last, 11, d);
        if (Statistics is { } s) { w.FieldHeader(ref last, 12, CompactType.Struct); s.Write(w); }
        w.Stop();
    }
}

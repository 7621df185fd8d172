using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Format;

/// <summary>One column of one row group (Thrift struct ColumnChunk).</summary>
internal sealed class ColumnChunk
{
    public string? FilePath;
    public long FileOffset;
    public ColumnMetaData? MetaData;

    public static ColumnChunk Read(ref CompactReader r)
    {
        var c = new ColumnChunk();
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.Binary: c.FilePath = r.ReadString(); break;
                case 2 when t == CompactType.I64: c.FileOffset = r.ReadI64(); break;
                case 3 when t == CompactType.Struct: c.MetaData = ColumnMetaData.Read(ref r); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return c;
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.I64Field(ref last, 2, FileOffset);
        if (MetaData is { } m) { w.FieldHeader(ref last, 3, CompactType.Struct); m.Write(w); }
        w.Stop();
    }
}

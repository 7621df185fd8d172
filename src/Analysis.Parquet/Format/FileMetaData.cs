using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Format;

/// <summary>The footer: schema, row groups, key-value metadata (Thrift struct FileMetaData).</summary>
internal sealed class FileMetaData
{
    public int Version = 1;
    public List<SchemaElement> Schema = [];
    public long NumRows;
    public List<RowGroup> RowGroups = [];
    public List<KeyValuePair<string, string?>> KeyValueMetadata = [];
    public string? CreatedBy;
    /// <summary>Whether to write a TYPE_ORDER column order for every leaf, which tells readers min_value/max_value are valid.</summary>
    public bool TypeDefinedColumnOrders;

    public static FileMetaData Read(ref CompactReader r)
    {
        var m = new FileMetaData();
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.I32: m.Version = r.ReadI32(); break;
                case 2 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out var et);
                    if (et != CompactType.Struct) throw new ParquetFormatException("Thrift metadata is corrupt: the schema is not a list of structs.");
                    for (int i = 0; i < n; i++) m.Schema.Add(SchemaElement.Read(ref r));
                    break;
                }
                case 3 when t == CompactType.I64: m.NumRows = r.ReadI64(); break;
                case 4 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out var et);
                    if (et != CompactType.Struct) throw new ParquetFormatException("Thrift metadata is corrupt: row groups are not structs.");
                    for (int i = 0; i < n; i++) m.RowGroups.Add(RowGroup.Read(ref r));
                    break;
                }
                case 5 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out var et);
                    if (et != CompactType.Struct) throw new ParquetFormatException("Thrift metadata is corrupt: key-value metadata is not a list of structs.");
                    for (int i = 0; i < n; i++) m.KeyValueMetadata.Add(ReadKeyValue(ref r));
                    break;
                }
                case 6 when t == CompactType.Binary: m.CreatedBy = r.ReadString(); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return m;
    }

    private static KeyValuePair<string, string?> ReadKeyValue(ref CompactReader r)
    {
        string key = "";
        string? value = null;
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            if (last == 1 && t == CompactType.Binary) key = r.ReadString();
            else if (last == 2 && t == CompactType.Binary) value = r.ReadString();
            else r.Skip(t);
        }
        r.LeaveStruct();
        return new(key, value);
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.I32Field(ref last, 1, Version);
        w.FieldHeader(ref last, 2, CompactType.List);
        w.ListHeader(Schema.Count, CompactType.Struct);
        foreach (var s in Schema) s.Write(w);
        w.I64Field(ref last, 3, NumRows);
        w.FieldHeader(ref last, 4, CompactType.List);
        w.ListHeader(RowGroups.Count, CompactType.Struct);
        foreach (var g in RowGroups) g.Write(w);
        if (KeyValueMetadata.Count > 0)
        {
            w.FieldHeader(ref last, 5, CompactType.List);
            w.ListHeader(KeyValueMetadata.Count, CompactType.Struct);
            foreach (var (k, v) in KeyValueMetadata)
            {
                short l = 0;
                w.StringField(ref l, 1, k);
                if (v is not null) w.StringField(ref l, 2, v);
                w.Stop();
            }
        }
        if (CreatedBy is not null) w.StringField(ref last, 6, CreatedBy);
        if (TypeDefinedColumnOrders)
        {
            int leaves = Schema.Count(s => s.Type is not null);
            w.FieldHeader(ref last, 7, CompactType.List);
            w.ListHeader(leaves, CompactType.Struct);
            for (int i = 0; i < leaves; i++)
            {
                short l = 0;
                w.EmptyStructField(ref l, 1);
                w.Stop();
            }
        }
        w.Stop();
    }
}

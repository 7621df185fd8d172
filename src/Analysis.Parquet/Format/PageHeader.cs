using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Format;

/// <summary>The header in front of every page (Thrift structs PageHeader, DataPageHeader, DictionaryPageHeader, DataPageHeaderV2).</summary>
internal sealed class PageHeader
{
    public PageType Type;
    public int UncompressedPageSize;
    public int CompressedPageSize;
    // Data page (v1 and v2) and dictionary page fields, flattened: only one kind is present per header.
    public bool HasDataPage, HasDictionaryPage, HasDataPageV2;
    public int NumValues;
    public Encoding Encoding;
    public Encoding DefinitionLevelEncoding = Encoding.Rle;
    public Encoding RepetitionLevelEncoding = Encoding.Rle;
    public int NumNulls, NumRows, DefinitionLevelsByteLength, RepetitionLevelsByteLength;
    public bool IsCompressed = true;
    public Statistics? Statistics;

    public static PageHeader Read(ref CompactReader r)
    {
        var h = new PageHeader();
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.I32: h.Type = (PageType)r.ReadI32(); break;
                case 2 when t == CompactType.I32: h.UncompressedPageSize = r.ReadI32(); break;
                case 3 when t == CompactType.I32: h.CompressedPageSize = r.ReadI32(); break;
                case 5 when t == CompactType.Struct: h.HasDataPage = true; h.ReadDataPage(ref r, v2: false); break;
                case 7 when t == CompactType.Struct: h.HasDictionaryPage = true; h.ReadDictionaryPage(ref r); break;
                case 8 when t == CompactType.Struct: h.HasDataPageV2 = true; h.ReadDataPage(ref r, v2: true); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return h;
    }

    private void ReadDataPage(ref CompactReader r, bool v2)
    {
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            if (!v2)
            {
                switch (last)
                {
                    case 1 when t == CompactType.I32: NumValues = r.ReadI32(); break;
                    case 2 when t == CompactType.I32: Encoding = (Encoding)r.ReadI32(); break;
                    case 3 when t == CompactType.I32: DefinitionLevelEncoding = (Encoding)r.ReadI32(); break;
                    case 4 when t == CompactType.I32: RepetitionLevelEncoding = (Encoding)r.ReadI32(); break;
                    case 5 when t == CompactType.Struct: Statistics = Statistics.Read(ref r); break;
                    default: r.Skip(t); break;
                }
            }
            else
            {
                switch (last)
                {
                    case 1 when t == CompactType.I32: NumValues = r.ReadI32(); break;
                    case 2 when t == CompactType.I32: NumNulls = r.ReadI32(); break;
                    case 3 when t == CompactType.I32: NumRows = r.ReadI32(); break;
                    case 4 when t == CompactType.I32: Encoding = (Encoding)r.ReadI32(); break;
                    case 5 when t == CompactType.I32: DefinitionLevelsByteLength = r.ReadI32(); break;
                    case 6 when t == CompactType.I32: RepetitionLevelsByteLength = r.ReadI32(); break;
                    case 7 when t is CompactType.BooleanTrue or CompactType.BooleanFalse: IsCompressed = CompactReader.BoolOf(t); break;
                    case 8 when t == CompactType.Struct: Statistics = Statistics.Read(ref r); break;
                    default: r.Skip(t); break;
                }
            }
        }
        r.LeaveStruct();
    }

    private void ReadDictionaryPage(ref CompactReader r)
    {
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.I32: NumValues = r.ReadI32(); break;
                case 2 when t == CompactType.I32: Encoding = (Encoding)r.ReadI32(); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        w.I32Field(ref last, 1, (int)Type);
        w.I32Field(ref last, 2, UncompressedPageSize);
        w.I32Field(ref last, 3, CompressedPageSize);
        short l = 0;
        switch (Type)
        {
            case PageType.DataPage:
                w.FieldHeader(ref last, 5, CompactType.Struct);
                w.I32Field(ref l, 1, NumValues);
                w.I32Field(ref l, 2, (int)Encoding);
                w.I32Field(ref l, 3, (int)DefinitionLevelEncoding);
                w.I32Field(ref l, 4, (int)RepetitionLevelEncoding);
                if (Statistics is { } s1) { w.FieldHeader(ref l, 5, CompactType.Struct); s1.Write(w); }
                w.Stop();
                break;
            case PageType.DictionaryPage:
                w.FieldHeader(ref last, 7, CompactType.Struct);
                w.I32Field(ref l, 1, NumValues);
                w.I32Field(ref l, 2, (int)Encoding);
                w.Stop();
                break;
            case PageType.DataPageV2:
                w.FieldHeader(ref last, 8, CompactType.Struct);
                w.I32Field(ref l, 1, NumValues);
                w.I32Field(ref l, 2, NumNulls);
                w.I32Field(ref l, 3, NumRows);
                w.I32Field(ref l, 4, (int)Encoding);
                w.I32Field(ref l, 5, DefinitionLevelsByteLength);
                w.I32Field(ref l, 6, RepetitionLevelsByteLength);
                w.BoolField(ref l, 7, IsCompressed);
                if (Statistics is { } s2) { w.FieldHeader(ref l, 8, CompactType.Struct); s2.Write(w); }
                w.Stop();
                break;
        }
        w.Stop();
    }
}

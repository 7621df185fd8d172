using Analysis.Parquet.Thrift;

namespace Analysis.Parquet.Format;

/// <summary>One node of the flattened schema tree in the footer (Thrift struct SchemaElement).</summary>
internal sealed class SchemaElement
{
    public ParquetPhysicalType? Type;
    public int? TypeLength;
    public ParquetRepetition? Repetition;
    public string Name = "";
    public int? NumChildren;
    public ParquetConvertedType? ConvertedType;
    public int? Scale;
    public int? Precision;
    public int? FieldId;
    public ParquetLogicalType? LogicalType;

    public static SchemaElement Read(ref CompactReader r)
    {
        var e = new SchemaElement();
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            switch (last)
            {
                case 1 when t == CompactType.I32: e.Type = (ParquetPhysicalType)r.ReadI32(); break;
                case 2 when t == CompactType.I32: e.TypeLength = r.ReadI32(); break;
                case 3 when t == CompactType.I32: e.Repetition = (ParquetRepetition)r.ReadI32(); break;
                case 4 when t == CompactType.Binary: e.Name = r.ReadString(); break;
                case 5 when t == CompactType.I32: e.NumChildren = r.ReadI32(); break;
                case 6 when t == CompactType.I32: e.ConvertedType = (ParquetConvertedType)r.ReadI32(); break;
                case 7 when t == CompactType.I32: e.Scale = r.ReadI32(); break;
                case 8 when t == CompactType.I32: e.Precision = r.ReadI32(); break;
                case 9 when t == CompactType.I32: e.FieldId = r.ReadI32(); break;
                case 10 when t == CompactType.Struct: e.LogicalType = ReadLogicalType(ref r); break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return e;
    }

    private static ParquetLogicalType? ReadLogicalType(ref CompactReader r)
    {
        ParquetLogicalType? result = null;
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            if (t != CompactType.Struct) { r.Skip(t); continue; }
            switch (last)
            {
                case 1: r.Skip(t); result = ParquetLogicalType.String; break;
                case 2: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Map }; break;
                case 3: r.Skip(t); result = ParquetLogicalType.List; break;
                case 4: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Enum }; break;
                case 5: result = ReadDecimal(ref r); break;
                case 6: r.Skip(t); result = ParquetLogicalType.Date; break;
                case 7: result = ReadTime(ref r, ParquetLogicalKind.Time); break;
                case 8: result = ReadTime(ref r, ParquetLogicalKind.Timestamp); break;
                case 10: result = ReadInt(ref r); break;
                case 11: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Unknown }; break;
                case 12: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Json }; break;
                case 13: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Bson }; break;
                case 14: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Uuid }; break;
                case 15: r.Skip(t); result = ParquetLogicalType.Float16; break;
                case 16: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Variant }; break;
                case 17: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Geometry }; break;
                case 18: r.Skip(t); result = new() { Kind = ParquetLogicalKind.Geography }; break;
                default: r.Skip(t); break;
            }
        }
        r.LeaveStruct();
        return result;
    }

    private static ParquetLogicalType ReadDecimal(ref CompactReader r)
    {
        int scale = 0, precision = 0;
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            if (last == 1 && t == CompactType.I32) scale = r.ReadI32();
            else if (last == 2 && t == CompactType.I32) precision = r.ReadI32();
            else r.Skip(t);
        }
        r.LeaveStruct();
        return new() { Kind = ParquetLogicalKind.Decimal, Scale = scale, Precision = precision };
    }

    private static ParquetLogicalType ReadTime(ref CompactReader r, ParquetLogicalKind kind)
    {
        bool utc = false;
        var unit = ParquetTimeUnit.Micros;
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            if (last == 1 && t is CompactType.BooleanTrue or CompactType.BooleanFalse) utc = CompactReader.BoolOf(t);
            else if (last == 2 && t == CompactType.Struct)
            {
                r.EnterStruct();
                short u = 0;
                while (r.ReadField(ref u, out var ut))
                {
                    if (u is >= 1 and <= 3) unit = (ParquetTimeUnit)(u - 1);
                    r.Skip(ut);
                }
                r.LeaveStruct();
            }
            else r.Skip(t);
        }
        r.LeaveStruct();
        return new() { Kind = kind, IsAdjustedToUtc = utc, Unit = unit };
    }

    private static ParquetLogicalType ReadInt(ref CompactReader r)
    {
        int width = 0;
        bool signed = true;
        r.EnterStruct();
        short last = 0;
        while (r.ReadField(ref last, out var t))
        {
            if (last == 1 && t == CompactType.Byte) width = (sbyte)r.ReadByte();
            else if (last == 2 && t is CompactType.BooleanTrue or CompactType.BooleanFalse) signed = CompactReader.BoolOf(t);
            else r.Skip(t);
        }
        r.LeaveStruct();
        return ParquetLogicalType.Integer(width, signed);
    }

    public void Write(CompactWriter w)
    {
        short last = 0;
        if (Type is { } type) w.I32Field(ref last, 1, (int)type);
        if (TypeLength is { } len) w.I32Field(ref last, 2, len);
        if (Repetition is { } rep) w.I32Field(ref last, 3, (int)rep);
        w.StringField(ref last, 4, Name);
        if (NumChildren is { } n) w.I32Field(ref last, 5, n);
        if (ConvertedType is { } ct) w.I32Field(ref last, 6, (int)ct);
        if (Scale is { } s) w.I32Field(ref last, 7, s);
        if (Precision is { } p) w.I32Field(ref last, 8, p);
        if (FieldId is { } f) w.I32Field(ref last, 9, f);
        if (LogicalType is { } lt)
        {
            w.FieldHeader(ref last, 10, CompactType.Struct);
            WriteLogicalType(w, lt);
        }
        w.Stop();
    }

    private static void WriteLogicalType(CompactWriter w, ParquetLogicalType lt)
    {
        short last = 0;
        switch (lt.Kind)
        {
            case ParquetLogicalKind.Integer:
            {
                w.FieldHeader(ref last, 10, CompactType.Struct);
                short l = 0;
                w.FieldHeader(ref l, 1, CompactType.Byte);
                w.WriteByte((byte)lt.BitWidth);
                w.BoolField(ref l, 2, lt.IsSigned);
                w.Stop();
                break;
            }
            case ParquetLogicalKind.Timestamp or ParquetLogicalKind.Time:
            {
                w.FieldHeader(ref last, (short)(lt.Kind == ParquetLogicalKind.Time ? 7 : 8), CompactType.Struct);
                short l = 0;
                w.BoolField(ref l, 1, lt.IsAdjustedToUtc);
                w.FieldHeader(ref l, 2, CompactType.Struct);
                short u = 0;
                w.EmptyStructField(ref u, (short)((int)lt.Unit + 1));
                w.Stop();
                w.Stop();
                break;
            }
            case ParquetLogicalKind.Decimal:
            {
                w.FieldHeader(ref last, 5, CompactType.Struct);
                short l = 0;
                w.I32Field(ref l, 1, lt.Scale);
                w.I32Field(ref l, 2, lt.Precision);
                w.Stop();
                break;
            }
            default:
            {
                short id = lt.Kind switch
                {
                    ParquetLogicalKind.String => 1, ParquetLogicalKind.Map => 2, ParquetLogicalKind.List => 3, ParquetLogicalKind.Enum => 4,
                    ParquetLogicalKind.Date => 6, ParquetLogicalKind.Unknown => 11, ParquetLogicalKind.Json => 12, ParquetLogicalKind.Bson => 13,
                    ParquetLogicalKind.Uuid => 14, ParquetLogicalKind.Float16 => 15,
                    _ => throw new ArgumentException($"Writing the logical type {lt} is not supported."),
                };
                w.EmptyStructField(ref last, id);
                break;
            }
        }
        w.Stop();
    }
}

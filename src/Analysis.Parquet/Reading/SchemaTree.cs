using Analysis.Parquet.Format;

namespace Analysis.Parquet.Reading;

/// <summary>Rebuilds the schema tree and the leaf columns from the footer's depth-first element list.</summary>
internal static class SchemaTree
{
    public static (ParquetSchemaNode Root, List<ParquetColumn> Columns) Build(List<SchemaElement> elements)
    {
        if (elements.Count == 0) throw new ParquetFormatException("the schema is empty");
        int next = 0;
        var columns = new List<ParquetColumn>();
        var root = BuildNode(elements, ref next, 0, isRoot: true);
        if (next != elements.Count) throw new ParquetFormatException($"the schema lists {elements.Count} elements but its tree uses {next}");
        Collect(root, [], [], 0, 0, columns);
        return (root, columns);
    }

    private static ParquetSchemaNode BuildNode(List<SchemaElement> elements, ref int next, int depth, bool isRoot)
    {
        if (depth > 100) throw new ParquetFormatException("the schema is nested more than 100 levels deep");
        if (next >= elements.Count) throw new ParquetFormatException("a schema group claims more children than the schema has elements");
        var e = elements[next++];
        var children = new List<ParquetSchemaNode>();
        int count = e.NumChildren ?? 0;
        if (e.Type is null || isRoot)
        {
            if (count < 0 || count > elements.Count - next) throw new ParquetFormatException($"schema group '{e.Name}' claims {count} children but only {elements.Count - next} elements follow");
            for (int i = 0; i < count; i++) children.Add(BuildNode(elements, ref next, depth + 1, isRoot: false));
        }
        if (e.Type is { } t && (int)t is < 0 or > 7) throw new ParquetFormatException($"column '{e.Name}' has unknown physical type {(int)t}");
        if (e.Type == ParquetPhysicalType.FixedLenByteArray && e.TypeLength is not > 0) throw new ParquetFormatException($"column '{e.Name}' is FIXED_LEN_BYTE_ARRAY without a positive type_length");
        return new ParquetSchemaNode
        {
            Name = e.Name,
            Repetition = isRoot ? ParquetRepetition.Required : e.Repetition ?? ParquetRepetition.Required,
            PhysicalType = isRoot ? null : e.Type,
            TypeLength = e.TypeLength ?? 0,
            ConvertedType = e.ConvertedType,
            LogicalType = e.LogicalType ?? FromConverted(e.ConvertedType),
            Children = children,
        };
    }

    private static ParquetLogicalType? FromConverted(ParquetConvertedType? ct) => ct switch
    {
        ParquetConvertedType.Utf8 => ParquetLogicalType.String,
        ParquetConvertedType.List => ParquetLogicalType.List,
        ParquetConvertedType.Map or ParquetConvertedType.MapKeyValue => new() { Kind = ParquetLogicalKind.Map },
        ParquetConvertedType.Enum => new() { Kind = ParquetLogicalKind.Enum },
        ParquetConvertedType.Date => ParquetLogicalType.Date,
        ParquetConvertedType.Json => new() { Kind = ParquetLogicalKind.Json },
        ParquetConvertedType.Bson => new() { Kind = ParquetLogicalKind.Bson },
        ParquetConvertedType.TimestampMillis => ParquetLogicalType.Timestamp(ParquetTimeUnit.Millis, true),
        ParquetConvertedType.TimestampMicros => ParquetLogicalType.Timestamp(ParquetTimeUnit.Micros, true),
        ParquetConvertedType.TimeMillis => new() { Kind = ParquetLogicalKind.Time, Unit = ParquetTimeUnit.Millis, IsAdjustedToUtc = true },
        ParquetConvertedType.TimeMicros => new() { Kind = ParquetLogicalKind.Time, Unit = ParquetTimeUnit.Micros, IsAdjustedToUtc = true },
        ParquetConvertedType.Int8 => ParquetLogicalType.Integer(8, true),
        ParquetConvertedType.Int16 => ParquetLogicalType.Integer(16, true),
        ParquetConvertedType.Int32 => ParquetLogicalType.Integer(32, true),
        ParquetConvertedType.Int64 => ParquetLogicalType.Integer(64, true),
        ParquetConvertedType.UInt8 => ParquetLogicalType.Integer(8, false),
        ParquetConvertedType.UInt16 => ParquetLogicalType.Integer(16, false),
        ParquetConvertedType.UInt32 => ParquetLogicalType.Integer(32, false),
        ParquetConvertedType.UInt64 => ParquetLogicalType.Integer(64, false),
        _ => null,
    };

    private static void Collect(ParquetSchemaNode node, List<string> path, List<ParquetSchemaNode> nodes, int def, int rep, List<ParquetColumn> columns)
    {
        foreach (var child in node.Children)
        {
            int d = def + (child.Repetition == ParquetRepetition.Required ? 0 : 1);
            int r = rep + (child.Repetition == ParquetRepetition.Repeated ? 1 : 0);
            path.Add(child.Name);
            nodes.Add(child);
            if (child.IsLeaf)
            {
                if (d > 255 || r > 255) throw new ParquetFormatException($"column '{string.Join('.', path)}' is nested too deeply");
                columns.Add(new ParquetColumn { Index = columns.Count, Path = [.. path], Nodes = [.. nodes], MaxDefinitionLevel = d, MaxRepetitionLevel = r });
            }
            else Collect(child, path, nodes, d, r, columns);
            path.RemoveAt(path.Count - 1);
            nodes.RemoveAt(nodes.Count - 1);
        }
    }
}

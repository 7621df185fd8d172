namespace Analysis.Parquet.Reading;

/// <summary>
/// Rebuilds each row's value of one leaf column from its levels: every repeated node along the path becomes a
/// list, an optional node below its definition level becomes null (the standard 3-level and legacy 2-level LIST
/// layouts both come out as plain lists).
/// </summary>
internal static class RowAssembler
{
    public static IReadOnlyList<object?> Assemble(ParquetColumnData data)
    {
        var column = data.Column;
        var nodes = column.Nodes;
        int k = nodes.Count;
        var defAt = new int[k];
        var repeatedIndex = new List<int>();
        int d = 0;
        for (int i = 0; i < k; i++)
        {
            if (nodes[i].Repetition != ParquetRepetition.Required) d++;
            defAt[i] = d;
            if (nodes[i].Repetition == ParquetRepetition.Repeated) repeatedIndex.Add(i);
        }
        var rows = new List<object?>();
        var lists = new List<object?>[repeatedIndex.Count];
        var rep = data.RepetitionLevels;
        var def = data.DefinitionLevels;
        int value = 0;
        for (int e = 0; e < data.LevelCount; e++)
        {
            int r = rep[e], dl = def[e];
            if (r > repeatedIndex.Count) throw new ParquetFormatException($"column '{column.DottedPath}': repetition level {r} exceeds the maximum");
            if (r == 0) rows.Add(Build(0));
            else
            {
                var list = lists[r - 1] ?? throw new ParquetFormatException($"column '{column.DottedPath}': a value continues a list that was never started");
                if (dl < defAt[repeatedIndex[r - 1]]) throw new ParquetFormatException($"column '{column.DottedPath}': a repeated value has a definition level below its list's");
                list.Add(Element(repeatedIndex[r - 1]));
            }

            object? Build(int i)
            {
                var node = nodes[i];
                if (node.Repetition == ParquetRepetition.Repeated)
                {
                    var list = new List<object?>();
                    lists[repeatedIndex.IndexOf(i)] = list;
                    if (dl >= defAt[i]) list.Add(Element(i));
                    return list;
                }
                if (node.Repetition == ParquetRepetition.Optional && dl < defAt[i]) return null;
                return Element(i);
            }

            object? Element(int i)
            {
                if (i != k - 1) return Build(i + 1);
                if (value >= data.ValueCount) throw new ParquetFormatException($"column '{column.DottedPath}': its levels call for more values than the pages hold");
                return data.GetValue(value++);
            }
        }
        return rows;
    }
}

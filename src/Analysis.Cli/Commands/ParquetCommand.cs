using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Analysis.Parquet;

namespace Analysis.Cli.Commands;

/// <summary>`analysis parquet schema|head|stats FILE`: look inside any Parquet file, like parquet-tools.</summary>
public static class ParquetCommand
{
    /// <summary>Builds the `parquet` command and its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("parquet", "Look inside a Parquet file: its schema, first rows, or row-group statistics.");
        command.Subcommands.Add(Schema());
        command.Subcommands.Add(Head());
        command.Subcommands.Add(Stats());
        return command;
    }

    private static Argument<FileInfo> FileArgument() => new("FILE") { Description = "The Parquet file." };

    /// <summary>Opens the file, reporting a corrupt one as bad input (exit 2).</summary>
    private static int WithReader(FileInfo file, Func<ParquetReader, int> body)
    {
        try
        {
            using var reader = ParquetReader.Open(file.FullName);
            return body(reader);
        }
        catch (ParquetFormatException e) { throw new UserInputException(e.Message, e); }
    }

    private static Command Schema()
    {
        var file = FileArgument();
        var cmd = new Command("schema", "Print the schema tree, row count, writer and key-value metadata.") { file };
        cmd.SetAction(CommandErrors.Guard(parse => WithReader(parse.GetValue(file)!, reader =>
        {
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"message {reader.Schema.Name} {{");
            foreach (var child in reader.Schema.Children) Print(o, child, 1);
            o.WriteLine("}");
            o.WriteLine($"rows: {reader.RowCount}, row groups: {reader.RowGroups.Count}, created by: {reader.CreatedBy ?? "unknown"}");
            foreach (var (k, v) in reader.Metadata) o.WriteLine($"metadata {k}: {Shorten(v ?? "", 200)}");
            return 0;
        })));
        return cmd;
    }

    private static void Print(TextWriter o, ParquetSchemaNode node, int depth)
    {
        string indent = new(' ', depth * 2);
        if (node.IsLeaf) { o.WriteLine($"{indent}{node.Describe()};"); return; }
        o.WriteLine($"{indent}{node.Describe()} {{");
        foreach (var c in node.Children) Print(o, c, depth + 1);
        o.WriteLine($"{indent}}}");
    }

    private static Command Head()
    {
        var file = FileArgument();
        var count = new Option<int>("--rows", "-n") { Description = "How many rows to print.", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per row." };
        var cmd = new Command("head", "Print the first rows.") { file, count, json };
        cmd.SetAction(CommandErrors.Guard(parse => WithReader(parse.GetValue(file)!, reader =>
        {
            int n = parse.GetValue(count);
            if (n < 0) throw new UserInputException($"--rows (-n) must be zero or more, not {n}.");
            var o = parse.InvocationConfiguration.Output;
            // One column per top-level field (its first leaf); rows come from as many row groups as needed.
            var columns = reader.Schema.Children.Select(f => reader.Columns.First(c => c.FieldName == f.Name)).ToList();
            var rows = new List<object?[]>();
            for (int g = 0; g < reader.RowGroups.Count && rows.Count < n; g++)
            {
                var values = columns.Select(c => reader.ReadColumn(g, c).ToRows()).ToList();
                for (int r = 0; r < values[0].Count && rows.Count < n; r++) rows.Add([.. values.Select(v => v[r])]);
            }
            if (parse.GetValue(json))
            {
                foreach (var row in rows)
                {
                    var obj = new Dictionary<string, object?>();
                    for (int c = 0; c < columns.Count; c++) obj[columns[c].FieldName] = ToJson(row[c]);
                    o.WriteLine(JsonSerializer.Serialize(obj));
                }
            }
            else
            {
                o.WriteLine(string.Join('\t', columns.Select(c => c.FieldName)));
                foreach (var row in rows) o.WriteLine(string.Join('\t', row.Select(v => Shorten(Text(v), 80))));
            }
            return 0;
        })));
        return cmd;
    }

    private static object? ToJson(object? v) => v switch
    {
        null => null,
        IReadOnlyList<object?> list => list.Select(ToJson).ToList(),
        byte[] bytes => Convert.ToBase64String(bytes),
        double d when double.IsNaN(d) || double.IsInfinity(d) => d.ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        _ => v,
    };

    private static string Text(object? v) => v switch
    {
        null => "null",
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Text)) + "]",
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static Command Stats()
    {
        var file = FileArgument();
        var cmd = new Command("stats", "Print each row group's size and each column's codec, encodings, min, max and null count.") { file };
        cmd.SetAction(CommandErrors.Guard(parse => WithReader(parse.GetValue(file)!, reader =>
        {
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"{reader.FilePath}: {reader.RowCount} rows, {reader.RowGroups.Count} row groups, {reader.FileLength} bytes");
            foreach (var g in reader.RowGroups)
            {
                o.WriteLine($"row group {g.Index}: {g.RowCount} rows, {g.CompressedSize} bytes compressed");
                for (int c = 0; c < reader.Columns.Count; c++)
                {
                    var s = g.Statistics[c];
                    o.WriteLine($"  {reader.Columns[c].DottedPath}: {s.Codec.ToString().ToUpperInvariant()} {string.Join(',', s.Encodings)} " +
                                $"{s.CompressedSize}/{s.UncompressedSize} bytes, min {Shorten(Text(s.Min), 40)}, max {Shorten(Text(s.Max), 40)}, nulls {(s.NullCount?.ToString(CultureInfo.InvariantCulture) ?? "?")}");
                }
            }
            return 0;
        })));
        return cmd;
    }
}

using System.Text;

namespace Analysis.Extraction.Sources;

/// <summary>
/// Reads CSV or TSV with a header row, RFC 4180 quoting (a quoted field may hold the delimiter, "" for a quote, and newlines).
/// Values are typed by <see cref="FieldValue.OfText"/>, so "3" is a number and an empty cell is null.
/// </summary>
internal sealed class DelimitedReader : IRecordReader
{
    private readonly Utf8LineReader lines;
    private readonly char delimiter;
    private readonly string path;
    private readonly string[] header;

    public DelimitedReader(string path, char delimiter)
    {
        this.path = path;
        this.delimiter = delimiter;
        lines = new Utf8LineReader(path, computeHash: true);
        header = ReadRow(out _) ?? throw new BadInputException($"{path}: the file is empty; it needs a header row naming the columns.");
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new BadInputException($"{path}: the header names the column '{duplicate.Key}' twice.");
    }

    public IReadOnlyList<string> FieldNames => header;

    public string Sha256 { get; private set; } = "";

    public SourceRecord? Next()
    {
        while (true)
        {
            var row = ReadRow(out var lineNumber);
            if (row is null)
            {
                Sha256 = lines.HashHex();
                return null;
            }
            if (row.Length == 1 && row[0].Length == 0) continue; // blank line
            var location = $"{path}:{lineNumber}";
            if (row.Length != header.Length)
                throw new BadInputException($"{location}: {row.Length} fields, but the header has {header.Length}; quote fields that contain '{(delimiter == '\t' ? "\\t" : delimiter)}'.");
            var fields = new Dictionary<string, FieldValue>(header.Length, StringComparer.Ordinal);
            for (int i = 0; i < header.Length; i++) fields[header[i]] = FieldValue.OfText(row[i]);
            return new SourceRecord(fields, location);
        }
    }

    private string[]? ReadRow(out long firstLine)
    {
        var line = lines.ReadLine();
        firstLine = lines.LineNumber;
        if (line is null) return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int i = 0;
        while (true)
        {
            if (i == line.Length)
            {
                if (!quoted) break;
                // A quoted field continues on the next line.
                line = lines.ReadLine() ?? throw new BadInputException($"{path}:{firstLine}: a quoted field is never closed.");
                field.Append('\n');
                i = 0;
                continue;
            }
            char c = line[i++];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i < line.Length && line[i] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }

    public void Dispose() => lines.Dispose();
}

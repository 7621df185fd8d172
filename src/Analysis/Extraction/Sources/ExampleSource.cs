using System.Text.Json;

namespace Analysis.Extraction.Sources;

/// <summary>How to read examples from an input dataset.</summary>
/// <param name="TextField">The field holding the text.</param>
/// <param name="SpanField">Optional field marking the characters of interest: [start, end] (code point offsets), "start:end", or a substring of the text (its first occurrence).</param>
/// <param name="LabelFields">The fields to pass through as labels; null passes every field but the text and span.</param>
public sealed record SourceOptions(string TextField = "text", string? SpanField = null, IReadOnlyList<string>? LabelFields = null);

/// <summary>
/// An input dataset (JSON lines, CSV/TSV, plain text, a folder of .txt files, Parquet), validated by one streaming pass
/// when opened — row count, SHA-256, label types, and every record's text and span — so that bad input is refused before
/// anything is written; <see cref="Read"/> then streams the examples.
/// </summary>
public sealed class ExampleSource
{
    private readonly SourceFormat format;
    private readonly SourceOptions options;

    private ExampleSource(string path, SourceFormat format, SourceOptions options, SourceSchema schema)
    {
        Path = path;
        this.format = format;
        this.options = options;
        Schema = schema;
    }

    /// <summary>The input path.</summary>
    public string Path { get; }

    /// <summary>Row count, hash and label columns of the input.</summary>
    public SourceSchema Schema { get; }

    /// <summary>
    /// Opens and validates an input dataset. Bad input throws <see cref="BadInputException"/> naming the place.
    /// <paramref name="paceCollections"/>: collect young garbage while scanning (<see cref="CollectionPacer"/>).
    /// </summary>
    public static ExampleSource Open(string path, SourceOptions? options = null, bool paceCollections = false)
    {
        options ??= new SourceOptions();
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"The input dataset '{path}' does not exist.", path);
        var format = SourceFormats.Detect(path);
        var types = new Dictionary<string, LabelType?>(StringComparer.Ordinal);
        long rows = 0;
        string sha;
        IReadOnlyList<string> names;
        using (var reader = OpenReader(path, format))
        {
            while (reader.Next() is { } record)
            {
                _ = TextOf(record, options);
                _ = SpanOf(record, options, TextOf(record, options));
                foreach (var (name, value) in record.Fields)
                    types[name] = value.Widen(types.GetValueOrDefault(name));
                rows++;
                if (paceCollections) CollectionPacer.Tick();
            }
            sha = reader.Sha256;
            names = reader.FieldNames;
        }
        if (rows == 0) throw new BadInputException($"{path}: the input has no examples.");
        var labelNames = options.LabelFields ?? names.Where(n => n != options.TextField && n != options.SpanField).ToList();
        var labels = new List<LabelColumn>();
        foreach (var name in labelNames)
        {
            if (!names.Contains(name))
                throw new BadInputException($"{path}: there is no field '{name}' to pass through as a label; fields are: {string.Join(", ", names)}.");
            labels.Add(new LabelColumn(name, types.GetValueOrDefault(name) ?? LabelType.String));
        }
        return new ExampleSource(path, format, options, new SourceSchema(path, rows, sha, labels));
    }

    /// <summary>Streams the examples in source order, skipping the first <paramref name="skip"/>.</summary>
    public IEnumerable<SourceExample> Read(long skip = 0)
    {
        using var reader = OpenReader(Path, format);
        long id = 0;
        while (reader.Next() is { } record)
        {
            if (id < skip) { id++; continue; }
            var text = TextOf(record, options);
            var labels = new object?[Schema.Labels.Count];
            for (int i = 0; i < labels.Length; i++)
            {
                var column = Schema.Labels[i];
                labels[i] = record.Fields.TryGetValue(column.Name, out var v) ? v.As(column.Type) : null;
            }
            yield return new SourceExample(id++, text, labels, SpanOf(record, options, text));
        }
    }

    private static IRecordReader OpenReader(string path, SourceFormat format) => format switch
    {
        SourceFormat.JsonLines => new JsonLinesReader(path),
        SourceFormat.Csv => new DelimitedReader(path, ','),
        SourceFormat.Tsv => new DelimitedReader(path, '\t'),
        SourceFormat.TextLines => new TextLinesReader(path),
        SourceFormat.TextFiles => new TextFilesReader(path),
        SourceFormat.Parquet => new ParquetRecordReader(path),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static string TextOf(SourceRecord record, SourceOptions options)
    {
        if (!record.Fields.TryGetValue(options.TextField, out var value) || value.Kind == FieldKind.Null)
            throw new BadInputException($"{record.Location}: the record has no '{options.TextField}' field; name the text field with --text-field.");
        if (value.Kind is not FieldKind.String)
            throw new BadInputException($"{record.Location}: the '{options.TextField}' field is not a string.");
        if (value.Text.Length == 0)
            throw new BadInputException($"{record.Location}: the text is empty; remove the record or give it text.");
        return value.Text;
    }

    private static CharSpan? SpanOf(SourceRecord record, SourceOptions options, string text)
    {
        if (options.SpanField is null) return null;
        if (!record.Fields.TryGetValue(options.SpanField, out var value) || value.Kind == FieldKind.Null)
            throw new BadInputException($"{record.Location}: the record has no '{options.SpanField}' span field.");
        int start, end;
        if (value.Kind == FieldKind.Json && TryParsePair(value.Text, out start, out end)
            || value.Kind == FieldKind.String && TryParseColon(value.Text, out start, out end))
        {
            if (start < 0 || end <= start)
                throw new BadInputException($"{record.Location}: the span [{start}, {end}) is empty or reversed.");
            try { return new CharSpan(CodePoints.ToUtf16(text, start), CodePoints.ToUtf16(text, end)); }
            catch (ArgumentOutOfRangeException e) { throw new BadInputException($"{record.Location}: span [{start}, {end}): {e.Message.Split(" (Parameter")[0]}"); }
        }
        var needle = value.Text;
        int at = needle.Length == 0 ? -1 : text.IndexOf(needle, StringComparison.Ordinal);
        if (at < 0)
            throw new BadInputException($"{record.Location}: the span '{needle}' does not occur in the text; give [start, end] offsets or a substring of the text.");
        return new CharSpan(at, at + needle.Length);
    }

    private static bool TryParsePair(string json, out int start, out int end)
    {
        start = end = 0;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var e = doc.RootElement;
            if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2
                && e[0].TryGetInt32(out start) && e[1].TryGetInt32(out end)) return true;
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("start", out var s) && e.TryGetProperty("end", out var t)
                && s.TryGetInt32(out start) && t.TryGetInt32(out end)) return true;
        }
        catch (JsonException) { }
        return false;
    }

    private static bool TryParseColon(string s, out int start, out int end)
    {
        start = end = 0;
        var colon = s.IndexOf(':');
        return colon > 0 && int.TryParse(s.AsSpan(0, colon), out start) && int.TryParse(s.AsSpan(colon + 1), out end);
    }
}

using System.Text.Json;

namespace Analysis.Extraction.Sources;

/// <summary>Reads JSON lines: one object per line; blank lines are skipped.</summary>
internal sealed class JsonLinesReader(string path) : IRecordReader
{
    private readonly Utf8LineReader lines = new(path, computeHash: true);
    private readonly List<string> names = [];
    private readonly HashSet<string> known = [];

    public IReadOnlyList<string> FieldNames => names;

    public string Sha256 { get; private set; } = "";

    public SourceRecord? Next()
    {
        while (lines.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var location = $"{path}:{lines.LineNumber}";
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e)
            {
                throw new BadInputException($"{location}: not valid JSON ({e.Message}); each line must be one JSON object.");
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new BadInputException($"{location}: each line must be a JSON object, found {doc.RootElement.ValueKind}.");
                var fields = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    fields[p.Name] = Convert(p.Value);
                    if (known.Add(p.Name)) names.Add(p.Name);
                }
                return new SourceRecord(fields, location);
            }
        }
        Sha256 = lines.HashHex();
        return null;
    }

    private static FieldValue Convert(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => FieldValue.OfString(e.GetString()!),
        JsonValueKind.Number when e.TryGetInt64(out var l) => new FieldValue(FieldKind.Integer, e.GetRawText(), l, l),
        JsonValueKind.Number => new FieldValue(FieldKind.Number, e.GetRawText(), 0, e.GetDouble()),
        JsonValueKind.True => new FieldValue(FieldKind.Boolean, "true", Boolean: true),
        JsonValueKind.False => new FieldValue(FieldKind.Boolean, "false", Boolean: false),
        JsonValueKind.Null or JsonValueKind.Undefined => FieldValue.Null,
        _ => new FieldValue(FieldKind.Json, e.GetRawText()),
    };

    public void Dispose() => lines.Dispose();
}

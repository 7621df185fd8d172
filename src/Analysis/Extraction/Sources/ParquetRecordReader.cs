using System.Globalization;
using System.Text.Json;
using Analysis.Extraction.Dataset;
using Analysis.Parquet;

namespace Analysis.Extraction.Sources;

/// <summary>
/// Reads the records of a Parquet file one row group at a time (memory bounded by a row group). Scalar columns keep their
/// types; nested columns (lists, structs) become their JSON text.
/// </summary>
internal sealed class ParquetRecordReader : IRecordReader
{
    private readonly string path;
    private readonly ParquetReader reader;
    private readonly IEnumerator<IReadOnlyDictionary<string, ParquetColumnData>> groups;
    private readonly string[] names;
    private IReadOnlyList<object?>[]? columns;
    private int row, rowsInGroup;
    private long rowNumber;

    public ParquetRecordReader(string path)
    {
        this.path = path;
        reader = ParquetReader.Open(path);
        names = reader.Columns.Select(c => c.FieldName).Distinct().ToArray();
        if (reader.Columns.GroupBy(c => c.FieldName).Any(g => g.Count() > 1))
            throw new BadInputException($"{path}: struct columns with several leaves are not supported as input fields; flatten them first.");
        groups = reader.ReadRowGroups().GetEnumerator();
    }

    public IReadOnlyList<string> FieldNames => names;

    public string Sha256 { get; private set; } = "";

    public SourceRecord? Next()
    {
        while (columns is null || row == rowsInGroup)
        {
            if (!groups.MoveNext())
            {
                Sha256 = DatasetDirectory.Sha256Of(path);
                return null;
            }
            var group = groups.Current;
            columns = reader.Columns.Select(c => group[c.DottedPath].ToRows()).ToArray();
            rowsInGroup = columns.Length == 0 ? 0 : columns[0].Count;
            row = 0;
        }
        var fields = new Dictionary<string, FieldValue>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) fields[names[i]] = Convert(columns[i][row]);
        row++;
        return new SourceRecord(fields, $"{path}: row {++rowNumber}");
    }

    private static FieldValue Convert(object? value) => value switch
    {
        null => FieldValue.Null,
        string s => FieldValue.OfString(s),
        bool b => new FieldValue(FieldKind.Boolean, b ? "true" : "false", Boolean: b),
        int or long or short or sbyte or byte or ushort or uint => Integer(System.Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float or double or Half or decimal => Number(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        DateOnly d => FieldValue.OfString(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTime t => FieldValue.OfString(t.ToString("O", CultureInfo.InvariantCulture)),
        byte[] bytes => FieldValue.OfString(System.Convert.ToHexStringLower(bytes)),
        _ => new FieldValue(FieldKind.Json, JsonSerializer.Serialize(value)),
    };

    private static FieldValue Integer(long l) => new(FieldKind.Integer, l.ToString(CultureInfo.InvariantCulture), l, l);

    private static FieldValue Number(double d) => new(FieldKind.Number, d.ToString("R", CultureInfo.InvariantCulture), 0, d);

    public void Dispose()
    {
        groups.Dispose();
        reader.Dispose();
    }
}

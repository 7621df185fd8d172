using System.Globalization;
using System.Text.RegularExpressions;
using Analysis.Numerics;
using Analysis.Parquet;

namespace Analysis.Datasets;

/// <summary>
/// Reads an activation dataset (a directory of part-*.parquet or *.parquet files, or one file): hook columns
/// (fixed-length LIST&lt;FLOAT&gt;) as matrices streamed by row group, and label/token columns as strings or numbers.
/// </summary>
public sealed class ActivationTable : IDisposable
{
    private readonly ParquetReader[] _readers;

    private ActivationTable(string path, ParquetReader[] readers) => (Path, _readers) = (path, readers);

    /// <summary>The directory or file opened.</summary>
    public string Path { get; }

    /// <summary>Total rows over all files.</summary>
    public long Rows => _readers.Sum(r => r.RowCount);

    /// <summary>Top-level column names (of the first file).</summary>
    public IReadOnlyList<string> Columns => _readers[0].Columns.Select(c => c.FieldName).Distinct().ToArray();

    /// <summary>
    /// Columns that hold one float vector per row (hooks), in file order: an activation dataset stores them in model
    /// order (hook_embed, blocks.0…, ln_final), which is the order a layer sweep should plot.
    /// </summary>
    public IReadOnlyList<string> Hooks => _readers[0].Columns
        .Where(c => c.MaxRepetitionLevel == 1 && c.PhysicalType is ParquetPhysicalType.Float or ParquetPhysicalType.FixedLenByteArray)
        .Select(c => c.FieldName).Distinct().ToArray();

    /// <summary>Opens a dataset directory or a single Parquet file.</summary>
    public static ActivationTable Open(string path)
    {
        string[] files;
        if (Directory.Exists(path))
        {
            files = Directory.GetFiles(path, "part-*.parquet");
            if (files.Length == 0) files = Directory.GetFiles(path, "*.parquet");
            if (files.Length == 0) throw new FileNotFoundException($"{path} holds no .parquet files; pass an activation dataset directory (manifest.json + part-*.parquet) or a Parquet file.", path);
            Array.Sort(files, StringComparer.Ordinal);
        }
        else if (File.Exists(path)) files = [path];
        else throw new FileNotFoundException($"{path} does not exist; pass an activation dataset directory or a Parquet file.", path);
        var readers = new List<ParquetReader>();
        try { foreach (var f in files) readers.Add(ParquetReader.Open(f)); }
        catch { foreach (var r in readers) r.Dispose(); throw; }
        return new ActivationTable(path, [.. readers]);
    }

    /// <summary>Hooks matching a glob ('*' matches anything, e.g. "blocks.*.hook_resid_post"); several patterns may be comma-separated.</summary>
    public IReadOnlyList<string> MatchHooks(string patterns)
    {
        var regexes = patterns.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*", StringComparison.Ordinal) + "$")).ToArray();
        var hooks = Hooks.Where(h => regexes.Any(r => r.IsMatch(h))).ToArray();
        return hooks.Length > 0 ? hooks
            : throw new BadInputException($"No hook in {Path} matches '{patterns}'; its hooks are: {string.Join(", ", Hooks)}.");
    }

    /// <summary>A hook's rows, one matrix per row group, in file order; every chunk must have the same width.</summary>
    public IEnumerable<Matrix> ReadChunks(string hook)
    {
        RequireColumn(hook);
        int? width = null;
        string? firstFile = null;
        foreach (var r in _readers)
            for (var g = 0; g < r.RowGroups.Count; g++)
            {
                var data = r.ReadFloatMatrix(g, hook, out var dim);
                var rows = (int)r.RowGroups[g].RowCount;
                if (rows > 0 && dim * rows != data.Length)
                    throw new BadInputException($"Hook {hook} in {r.FilePath} row group {g} has vectors of different lengths; every row of a hook must have the same width.");
                if (width is { } w && rows > 0 && dim != w)
                    throw new BadInputException($"Hook {hook} has {w} values per row in {firstFile} but {dim} in {r.FilePath}; every file of a dataset must store the hook with the same width.");
                if (rows == 0) continue;
                width ??= dim;
                firstFile ??= r.FilePath;
                var m = new Matrix(rows, dim, data);
                m.EnsureFinite($"Hook {hook} in {r.FilePath} row group {g}");
                yield return m;
            }
    }

    /// <summary>An integer column (e.g. example_id, position), one array per non-empty row group: the chunks <see cref="ReadChunks"/> yields.</summary>
    public IEnumerable<long[]> ReadIntegerChunks(string column)
    {
        RequireColumn(column);
        foreach (var r in _readers)
            for (var g = 0; g < r.RowGroups.Count; g++)
            {
                if (r.RowGroups[g].RowCount == 0) continue;
                yield return r.ReadColumn(g, column).ToRows().Select((v, i) => v is IConvertible c ? c.ToInt64(CultureInfo.InvariantCulture)
                    : throw new InvalidDataException($"Column {column} in {r.FilePath} row group {g} row {i} is empty; key columns must hold integers.")).ToArray();
            }
    }

    /// <summary>All of a hook's rows as one matrix.</summary>
    public Matrix ReadMatrix(string hook)
    {
        var chunks = ReadChunks(hook).ToList();
        if (chunks.Count == 0) throw new BadInputException($"Hook {hook} in {Path} has no rows.");
        var d = chunks[0].Columns;
        var data = new float[checked(chunks.Sum(c => c.Data.Length))];
        var offset = 0;
        foreach (var c in chunks) { c.Data.CopyTo(data, offset); offset += c.Data.Length; }
        return new Matrix(data.Length / d, d, data);
    }

    /// <summary>A scalar column as strings (numbers in invariant culture; null as "").</summary>
    public string[] ReadStrings(string column)
    {
        RequireColumn(column);
        var values = new List<string>();
        foreach (var r in _readers)
            for (var g = 0; g < r.RowGroups.Count; g++)
                foreach (var v in r.ReadColumn(g, column).ToRows())
                    values.Add(v switch { null => "", IFormattable f => f.ToString(null, CultureInfo.InvariantCulture), _ => v.ToString() ?? "" });
        return [.. values];
    }

    /// <summary>A scalar column as numbers; text must parse as a number.</summary>
    public double[] ReadNumbers(string column) => ReadStrings(column).Select((s, i) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new BadInputException($"Column {column} row {i} holds '{s}', not a number; choose a numeric label column.")).ToArray();

    private void RequireColumn(string column)
    {
        foreach (var r in _readers)
            if (!r.Columns.Any(c => c.FieldName == column))
                throw new BadInputException($"{r.FilePath} has no column '{column}'; its columns are: {string.Join(", ", r.Columns.Select(c => c.FieldName).Distinct())}.");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var r in _readers) r.Dispose();
    }
}

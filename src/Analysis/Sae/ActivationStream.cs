using Analysis.Parquet;

namespace Analysis.Sae;

/// <summary>
/// Streams token rows of one or more hook columns in a shuffled order, holding at most a bounded buffer: row groups
/// (of every part file) are read in a seeded random order into the buffer, and each batch draws random rows out of it.
/// Tokens of one example sit in one row group, so they leave spread over many batches (SAELens #277). The order depends
/// only on the seed and the dataset; after the last row group the next epoch reshuffles.
/// </summary>
internal sealed class ActivationStream : IDisposable
{
    private readonly ParquetReader[] _readers;
    private readonly (int File, int Group, long Rows)[] _units;
    private readonly float[] _buffer;
    private readonly int _capacity;
    private readonly ulong _seed;
    private SplitMix64 _draw;
    private float[] _scratch = [];
    private int _count, _next, _epoch;

    public ActivationStream(string path, IReadOnlyList<string> hooks, int batchRows, ulong seed, long bufferBytes = 256L << 20)
    {
        Path = path;
        Hooks = hooks;
        var files = DatasetFiles(path);
        _readers = new ParquetReader[files.Length];
        try { for (var i = 0; i < files.Length; i++) _readers[i] = ParquetReader.Open(files[i]); }
        catch { Dispose(); throw; }
        foreach (var hook in hooks)
            foreach (var r in _readers)
                if (!r.Columns.Any(c => c.FieldName == hook))
                {
                    var available = r.Columns.Where(c => c.MaxRepetitionLevel == 1).Select(c => c.FieldName).Distinct();
                    throw new BadInputException($"Hook '{hook}' is not in {r.FilePath}; its hook columns are: {string.Join(", ", available)}.");
                }
        _units = _readers.SelectMany((r, f) => r.RowGroups.Select((g, i) => (f, i, g.RowCount))).Where(u => u.RowCount > 0).ToArray();
        Rows = _units.Sum(u => u.Rows);
        if (Rows == 0) throw new BadInputException($"{path} holds no rows; extract activations first.");
        Widths = hooks.Select(Width).ToArray();
        RowWidth = Widths.Sum();
        Offsets = new int[hooks.Count];
        for (var h = 1; h < hooks.Count; h++) Offsets[h] = Offsets[h - 1] + Widths[h - 1];
        // Room for the largest row group plus enough rows to mix: at least 8 batches, and about bufferBytes.
        var largest = (int)_units.Max(u => u.Rows);
        _capacity = (int)Math.Max(largest + (long)batchRows, Math.Min(Math.Max(8L * batchRows, bufferBytes / (4L * RowWidth)), int.MaxValue / RowWidth));
        _buffer = new float[(long)_capacity * RowWidth];
        _seed = seed;
        _draw = new SplitMix64(seed ^ 0x5AE5AE5AE5UL);
        StartEpoch();
    }

    public string Path { get; }
    public IReadOnlyList<string> Hooks { get; }
    public long Rows { get; }
    /// <summary>Each hook's width, and where it starts in a row.</summary>
    public int[] Widths { get; }
    public int[] Offsets { get; }
    public int RowWidth { get; }

    /// <summary>The parts of a dataset directory (part-*.parquet, else *.parquet), or the one file.</summary>
    public static string[] DatasetFiles(string path)
    {
        if (File.Exists(path)) return [path];
        if (!Directory.Exists(path)) throw new BadInputException($"{path} does not exist; pass an activation dataset directory or a Parquet file.");
        var files = Directory.GetFiles(path, "part-*.parquet");
        if (files.Length == 0) files = Directory.GetFiles(path, "*.parquet");
        if (files.Length == 0) throw new BadInputException($"{path} holds no .parquet files; pass an activation dataset directory or a Parquet file.");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Fills dest [rows × RowWidth] with the next rows of the shuffled stream.</summary>
    public void Next(float[] dest, int rows)
    {
        for (var i = 0; i < rows; i++)
        {
            Fill();
            var pick = (int)_draw.Next(_count);
            var w = RowWidth;
            _buffer.AsSpan(pick * w, w).CopyTo(dest.AsSpan(i * w, w));
            // Swap-remove: the last buffered row takes the drawn one's place.
            _count--;
            if (pick != _count) _buffer.AsSpan(_count * w, w).CopyTo(_buffer.AsSpan(pick * w, w));
        }
    }

    // Keep the buffer as full as the next row group allows, so each draw mixes several row groups.
    private void Fill()
    {
        while (true)
        {
            if (_next == _units.Length)
            {
                if (_count > 0) return; // drain the epoch's tail before reshuffling
                _epoch++;
                StartEpoch();
            }
            var unit = _units[_next];
            if (_count > 0 && _count + unit.Rows > _capacity) return;
            Load(unit);
            _next++;
        }
    }

    private void StartEpoch()
    {
        _next = 0;
        var order = new SplitMix64(_seed + 0x9E37UL * (ulong)(_epoch + 1));
        order.Shuffle(_units);
    }

    private void Load((int File, int Group, long Rows) unit)
    {
        var r = _readers[unit.File];
        var rows = (int)unit.Rows;
        for (var h = 0; h < Hooks.Count; h++)
        {
            // One reused scratch array: a fresh one per row group would leave the GC holding dead row groups.
            var dim = Widths[h];
            if (_scratch.Length < (long)rows * dim) _scratch = new float[(long)rows * dim];
            var data = _scratch;
            int read;
            try { read = r.ReadFloatVectors(unit.Group, Hooks[h], data.AsSpan(0, rows * dim)); }
            catch (ParquetFormatException e) { throw new BadInputException($"Hook '{Hooks[h]}' in {r.FilePath} row group {unit.Group} does not hold {dim} values per row ({e.Message}); every row of a hook must have the same width.", e); }
            if (read != dim)
                throw new BadInputException($"Hook '{Hooks[h]}' in {r.FilePath} row group {unit.Group} has {read} values per row, not {dim}; every row of a hook must have the same width.");
            for (var i = 0; i < rows; i++)
            {
                var src = data.AsSpan(i * dim, dim);
                if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(src))
                    throw new BadInputException($"Hook '{Hooks[h]}' in {r.FilePath} row group {unit.Group} row {i} holds NaN or infinite values; drop those rows (or re-extract) before training an SAE.");
                src.CopyTo(_buffer.AsSpan((_count + i) * RowWidth + Offsets[h], dim));
            }
        }
        _count += rows;
    }

    private int Width(string hook)
    {
        foreach (var r in _readers)
            for (var g = 0; g < r.RowGroups.Count; g++)
                if (r.RowGroups[g].RowCount > 0)
                {
                    var data = r.ReadFloatMatrix(g, hook, out var dim);
                    if (dim <= 0) throw new BadInputException($"Column '{hook}' in {r.FilePath} is not a fixed-length float list; pass a hook column.");
                    return dim;
                }
        return 0;
    }

    public void Dispose()
    {
        foreach (var r in _readers) r?.Dispose();
    }
}

using Analysis.Datasets;
using Analysis.Numerics;

namespace Analysis.Similarity;

/// <summary>
/// Streams two activation datasets side by side: each block pairs rows with the same (example_id, position), A's
/// layers then B's. Extraction writes an example's rows in a part chosen by example range but in an order that depends
/// on batching, so rows are joined by key: each side's unmatched rows wait in memory until the other side reaches them.
/// Reading always advances the side with fewer waiting rows, so memory stays near one part's rows, not the dataset's.
/// </summary>
internal sealed class AlignedRows(ActivationTable a, IReadOnlyList<string> hooksA, ActivationTable b, IReadOnlyList<string> hooksB)
{
    private const int BlockRows = 4096;

    /// <summary>Blocks of paired rows, and each pair's key.</summary>
    public IEnumerable<(Matrix Rows, (long Example, long Position)[] Keys)> Blocks()
    {
        if (a.Rows != b.Rows)
            throw new BadInputException($"{a.Path} has {a.Rows} rows but {b.Path} has {b.Rows}; similarity compares the same examples and positions, so extract both from the same data with the same --positions and --max-length.");
        using var left = new Side(a, hooksA);
        using var right = new Side(b, hooksB);
        var width = -1;
        var block = new List<(float[] A, float[] B, (long, long) Key)>();
        while (true)
        {
            var (from, other) = left.Ended ? (right, left) : right.Ended ? (left, right)
                : left.Waiting.Count <= right.Waiting.Count ? (left, right) : (right, left);
            if (from.Ended) break;
            foreach (var (key, row) in from.Next())
            {
                if (other.Waiting.Remove(key, out var match))
                    block.Add(from == left ? (row, match, key) : (match, row, key));
                else if (!from.Waiting.TryAdd(key, row))
                    throw new InvalidDataException($"{from.Table.Path} holds example {key.Item1} position {key.Item2} twice; the dataset is damaged, extract it again.");
            }
            while (block.Count >= BlockRows) yield return Emit(block, BlockRows, ref width);
        }
        if (block.Count > 0) yield return Emit(block, block.Count, ref width);
        if (left.Waiting.Count > 0 || right.Waiting.Count > 0)
        {
            var (side, key) = left.Waiting.Count > 0 ? (a, left.Waiting.Keys.Min()) : (b, right.Waiting.Keys.Min());
            throw new BadInputException($"Example {key.Item1} position {key.Item2} is in {side.Path} but not in {(side == a ? b : a).Path}; extract both datasets from the same data with the same --positions and --max-length.");
        }
    }

    private static (Matrix, (long, long)[]) Emit(List<(float[] A, float[] B, (long, long) Key)> pending, int count, ref int width)
    {
        width = pending[0].A.Length + pending[0].B.Length;
        var m = new Matrix(count, width);
        var keys = new (long, long)[count];
        for (var i = 0; i < count; i++)
        {
            var (ra, rb, key) = pending[i];
            ra.CopyTo(m.Data.AsSpan(i * width));
            rb.CopyTo(m.Data.AsSpan(i * width + ra.Length));
            keys[i] = key;
        }
        pending.RemoveRange(0, count);
        return (m, keys);
    }

    /// <summary>One dataset read a row group at a time, with its rows still waiting for a partner.</summary>
    private sealed class Side : IDisposable
    {
        private readonly IEnumerator<long[]> _examples;
        private readonly IEnumerator<long[]>? _positions;
        private readonly IEnumerator<Matrix>[] _hooks;

        public Side(ActivationTable table, IReadOnlyList<string> hooks)
        {
            Table = table;
            _examples = table.ReadIntegerChunks("example_id").GetEnumerator();
            _positions = table.Columns.Contains("position") ? table.ReadIntegerChunks("position").GetEnumerator() : null;
            _hooks = hooks.Select(h => table.ReadChunks(h).GetEnumerator()).ToArray();
        }

        public ActivationTable Table { get; }
        public bool Ended { get; private set; }
        public Dictionary<(long, long), float[]> Waiting { get; } = [];

        /// <summary>The next row group's rows: each row is the side's hooks concatenated.</summary>
        public IEnumerable<((long, long) Key, float[] Row)> Next()
        {
            if (!_examples.MoveNext()) { Ended = true; return []; }
            var ex = _examples.Current;
            var pos = _positions is not null && _positions.MoveNext() ? _positions.Current : new long[ex.Length];
            var parts = _hooks.Select(h => h.MoveNext() ? h.Current : throw new InvalidDataException($"{Table.Path}: a hook column has fewer row groups than example_id; the dataset is damaged, extract it again.")).ToArray();
            if (parts.Any(m => m.Rows != ex.Length) || pos.Length != ex.Length)
                throw new InvalidDataException($"{Table.Path}: a row group's columns have different row counts; the dataset is damaged, extract it again.");
            var width = parts.Sum(p => p.Columns);
            var rows = new ((long, long), float[])[ex.Length];
            for (var i = 0; i < ex.Length; i++)
            {
                var row = new float[width];
                var o = 0;
                foreach (var p in parts) { p.Row(i).CopyTo(row.AsSpan(o)); o += p.Columns; }
                rows[i] = ((ex[i], pos[i]), row);
            }
            return rows;
        }

        public void Dispose()
        {
            _examples.Dispose();
            _positions?.Dispose();
            foreach (var h in _hooks) h.Dispose();
        }
    }
}

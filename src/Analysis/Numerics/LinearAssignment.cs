namespace Analysis.Numerics;

/// <summary>
/// The linear assignment problem: pair rows with columns, each used at most once, so that the total cost is minimal
/// (scipy.optimize.linear_sum_assignment's problem). Shortest augmenting paths with dual potentials (the Hungarian
/// method in Jonker–Volgenant form): one augmentation per row, each a Dijkstra-like scan of the columns, O(n²·m) at
/// worst for n rows ≤ m columns, usually far less.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// The minimum-cost assignment of a rows × columns cost matrix (row-major, finite values): for each row its column,
    /// or −1 when there are more rows than columns and the row is left out.
    /// </summary>
    public static int[] Minimize(ReadOnlySpan<float> cost, int rows, int columns)
    {
        if (cost.Length != (long)rows * columns) throw new ArgumentException($"The cost matrix has {cost.Length} values, not {rows} × {columns}.");
        if (rows == 0 || columns == 0) return Enumerable.Repeat(-1, rows).ToArray();
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(cost)) throw new ArgumentException("The cost matrix holds NaN or infinite values.");
        if (rows <= columns) return Solve(cost.ToArray(), rows, columns);
        // More rows than columns: assign every column instead (the transpose), then read it back per row.
        var t = new float[cost.Length];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++) t[(long)j * rows + i] = cost[i * columns + j];
        var byColumn = Solve(t, columns, rows);
        var byRow = Enumerable.Repeat(-1, rows).ToArray();
        for (var j = 0; j < columns; j++) byRow[byColumn[j]] = j;
        return byRow;
    }

    /// <summary>The maximum-weight assignment (e.g. of cosines or correlations): <see cref="Minimize"/> of the negated weights.</summary>
    public static int[] Maximize(ReadOnlySpan<float> weight, int rows, int columns)
    {
        var negated = new float[weight.Length];
        System.Numerics.Tensors.TensorPrimitives.Negate(weight, negated);
        return Minimize(negated, rows, columns);
    }

    // n ≤ m. Potentials u (rows) and v (columns) keep every reduced cost c[i,j] − u[i] − v[j] ≥ 0 and tight on the
    // matching; each row is added by growing a shortest-path tree over columns until it reaches a free column.
    private static int[] Solve(float[] c, int n, int m)
    {
        var u = new double[n + 1];
        var v = new double[m + 1];
        var owner = new int[m + 1];     // owner[j]: the row (1-based) matched to column j, 0 when free; column 0 is the root
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (var i = 1; i <= n; i++)
        {
            owner[0] = i;
            var j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = owner[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                var row = c.AsSpan((i0 - 1) * m, m);
                var ui = u[i0];
                for (var j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    var reduced = row[j - 1] - ui - v[j];
                    if (reduced < minv[j]) { minv[j] = reduced; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (var j = 0; j <= m; j++)
                    if (used[j]) { u[owner[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                j0 = j1;
            } while (owner[j0] != 0);
            // Flip the path from the free column back to the root.
            do
            {
                var j1 = way[j0];
                owner[j0] = owner[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var assignment = new int[n];
        for (var j = 1; j <= m; j++)
            if (owner[j] != 0) assignment[owner[j] - 1] = j - 1;
        return assignment;
    }
}

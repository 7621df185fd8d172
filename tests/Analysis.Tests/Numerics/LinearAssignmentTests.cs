using Analysis.Numerics;
using Analysis.Sae;

namespace Analysis.Tests.Numerics;

/// <summary>The optimal assignment against scipy.optimize.linear_sum_assignment (an independent implementation) on square, wide, tall and tied matrices.</summary>
public sealed class LinearAssignmentTests
{
    private static readonly (int Rows, int Columns, int Levels)[] Cases =
        [(1, 1, 0), (2, 3, 0), (5, 5, 0), (7, 12, 0), (12, 7, 0), (60, 60, 0), (150, 200, 0), (200, 150, 0), (40, 40, 3), (33, 50, 2)];

    [Fact]
    public void Minimum_cost_equals_scipys_linear_sum_assignment()
    {
        var random = new Random(17);
        var matrices = Cases.Select(c => Enumerable.Range(0, c.Rows * c.Columns)
            // Levels > 0: a few integer values, so many assignments tie and only the cost is unique.
            .Select(_ => c.Levels > 0 ? (float)random.Next(c.Levels) : (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var inputs = matrices.Select((m, i) => ($"m{i}", m.Select(v => (double)v).ToArray())).ToArray();
        var shapes = string.Join(", ", Cases.Select(c => $"({c.Rows}, {c.Columns})"));
        var reference = Sklearn.Run($$"""
            from scipy.optimize import linear_sum_assignment
            shapes = [{{shapes}}]
            out = []
            for i, shape in enumerate(shapes):
                c = globals()[f"m{i}"].reshape(shape)
                r, k = linear_sum_assignment(c)
                out.append({"cost": float(c[r, k].sum()), "pairs": int(len(r))})
            print(json.dumps(out))
            """, inputs).EnumerateArray().ToArray();
        for (var i = 0; i < Cases.Length; i++)
        {
            var (rows, columns, _) = Cases[i];
            var assignment = LinearAssignment.Minimize(matrices[i], rows, columns);
            Assert.Equal(rows, assignment.Length);
            var used = assignment.Where(j => j >= 0).ToArray();
            Assert.Equal(reference[i].GetProperty("pairs").GetInt32(), used.Length);
            Assert.Equal(used.Length, used.Distinct().Count());
            var cost = Enumerable.Range(0, rows).Where(r => assignment[r] >= 0).Sum(r => (double)matrices[i][r * columns + assignment[r]]);
            var expected = reference[i].GetProperty("cost").GetDouble();
            Assert.True(Math.Abs(cost - expected) < 1e-6 * Math.Max(1, Math.Abs(expected)), $"{rows}×{columns}: ours {cost}, scipy {expected}");
        }
    }

    [Fact]
    public void Optimal_one_to_one_beats_greedy_where_best_partners_collide()
    {
        // Greedy takes 0.9 first and is left with 0.1 (total 1.0); the optimum pairs 0.8 + 0.85 = 1.65.
        float[] cos = [0.9f, 0.8f, 0.85f, 0.1f];
        Assert.Equal([0, 1], SaeComparison.Greedy(cos, 2, 2));
        Assert.Equal([1, 0], LinearAssignment.Maximize(cos, 2, 2));
        Assert.Equal("optimal", SaeComparison.OneToOne(cos, 2, 2).Method);
    }

    [Fact]
    public void Non_finite_costs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LinearAssignment.Minimize([1, float.NaN], 1, 2));
        Assert.Throws<ArgumentException>(() => LinearAssignment.Minimize([1, 2, 3], 2, 2));
        Assert.Equal([-1, -1], LinearAssignment.Minimize([], 2, 0));
    }
}

using System.Text.Json;
using Analysis.Datasets;
using Analysis.Numerics;
using Analysis.Results;

namespace Analysis.Similarity;

/// <summary>
/// Compares every layer of one activation dataset with every layer of another (two checkpoints, two sizes, or one
/// model with itself): linear CKA streamed over all aligned rows, RSA on a subsample. Writes results.json (for the
/// report) and similarity.json (one row per pair of hooks).
/// </summary>
public static class LayerSimilarity
{
    /// <summary>The table for programs written next to results.json.</summary>
    public const string TableFile = "similarity.json";

    /// <summary>Runs the comparison; <paramref name="progress"/> sees rows done and rows in all.</summary>
    public static SimilarityResult Run(SimilarityRequest request, Action<long, long>? progress = null)
    {
        if (request.RsaRows is < 0 or 1 or 2) throw new BadInputException($"--rsa-rows must be 0 (no RSA) or at least 3, not {request.RsaRows}.");
        using var a = ActivationTable.Open(request.A);
        using var b = ActivationTable.Open(request.B);
        var hooksA = a.MatchHooks(request.Hooks);
        var hooksB = b.MatchHooks(request.Hooks);
        var total = a.Rows;
        var rsaRows = (int)Math.Min(request.RsaRows, total);
        // RSA's rows: the rsaRows keys with the smallest hash, so the subsample depends on the keys, not on row groups.
        var sample = new PriorityQueue<float[], ulong>(Comparer<ulong>.Create((x, y) => y.CompareTo(x)));
        CkaAccumulator? cka = null;
        int[] widths = [];
        long done = 0;
        foreach (var (rows, keys) in new AlignedRows(a, hooksA, b, hooksB).Blocks())
        {
            if (cka is null)
            {
                widths = Widths(a, hooksA, b, hooksB, rows.Columns);
                cka = new CkaAccumulator(widths[..hooksA.Count], widths[hooksA.Count..]);
            }
            cka.Add(rows);
            for (var i = 0; i < keys.Length && rsaRows > 0; i++)
            {
                var h = KeyHash(keys[i]);
                if (sample.Count < rsaRows) sample.Enqueue(rows.Row(i).ToArray(), h);
                else if (sample.TryPeek(out _, out var worst) && h < worst) sample.EnqueueDequeue(rows.Row(i).ToArray(), h);
            }
            done += rows.Rows;
            progress?.Invoke(done, total);
        }
        if (cka is null) throw new BadInputException($"{request.A} holds no rows; extract some examples first.");
        double[][]? rsa = rsaRows > 0 ? Rsa(sample.UnorderedItems.OrderBy(x => x.Priority).Select(x => x.Element).ToList(), widths, hooksA.Count, request.RsaDistance) : null;
        var result = new SimilarityResult(a.Path, b.Path, [.. hooksA], [.. hooksB], cka.Rows, cka.Cka(), rsa, rsaRows,
            request.RsaDistance.ToString().ToLowerInvariant());
        var outDir = Directory.CreateDirectory(request.Output).FullName;
        var table = Path.Combine(outDir, TableFile);
        File.WriteAllText(table + ".tmp", JsonSerializer.Serialize(result.Pairs().ToArray(), ResultsFile.Json));
        File.Move(table + ".tmp", table, overwrite: true);
        ResultsFile.Save(outDir, new Dictionary<string, string>(request.Metadata) { ["a"] = a.Path, ["b"] = b.Path },
            (SimilaritySection.Entry, new[] { result }));
        return result;
    }

    // The width of each hook, from the manifest-free source of truth: the first block's columns split by hook.
    private static int[] Widths(ActivationTable a, IReadOnlyList<string> hooksA, ActivationTable b, IReadOnlyList<string> hooksB, int total)
    {
        var widths = hooksA.Select(h => a.ReadChunks(h).First().Columns).Concat(hooksB.Select(h => b.ReadChunks(h).First().Columns)).ToArray();
        if (widths.Sum() != total) throw new InvalidDataException("The hooks' widths do not add up to the block's columns; the datasets are damaged.");
        return widths;
    }

    /// <summary>A fixed mix of a row's key (SplitMix64), the same on every machine and run.</summary>
    internal static ulong KeyHash((long Example, long Position) key)
    {
        var z = unchecked((ulong)key.Example * 0x9E3779B97F4A7C15UL + (ulong)key.Position + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    private static double[][] Rsa(List<float[]> sample, int[] widths, int layersA, RsaDistance distance)
    {
        var ranks = new double[widths.Length][];
        var offset = 0;
        for (var h = 0; h < widths.Length; h++)
        {
            var m = new Matrix(sample.Count, widths[h]);
            for (var i = 0; i < sample.Count; i++) sample[i].AsSpan(offset, widths[h]).CopyTo(m.Row(i));
            ranks[h] = RepresentationalSimilarity.NormalizedRanks(RepresentationalSimilarity.Dissimilarities(m, distance));
            offset += widths[h];
        }
        return Enumerable.Range(0, layersA).Select(x =>
            Enumerable.Range(layersA, widths.Length - layersA).Select(y => RepresentationalSimilarity.Spearman(ranks[x], ranks[y])).ToArray()).ToArray();
    }
}

using System.Runtime.Intrinsics;

namespace Analysis.Sae;

/// <summary>
/// Picks the active latents from ReLU'd pre-activations [rows × m] and returns them as sparse codes (ascending latent
/// order per row, so that every later sum runs in a fixed order). Zeros are never selected: a ReLU'd zero passes no
/// gradient and adds nothing to the reconstruction, so leaving it out changes neither.
/// </summary>
internal static class LatentSelection
{
    /// <summary>The k largest positive values of each row; with <paramref name="allowed"/>, only among those latents.</summary>
    public static SparseCodes TopK(float[] pre, int rows, int m, int k, int[]? allowed = null)
    {
        var counts = new int[rows + 1];
        var idx = new int[(long)rows * k];
        var val = new float[(long)rows * k];
        ParallelWork.For((rows + 63) / 64, 64L * m, block =>
        {
            var heapV = new float[k]; var heapI = new int[k];
            for (int i = block * 64, end = Math.Min(rows, i + 64); i < end; i++)
            {
                var row = pre.AsSpan((int)((long)i * m), m);
                var n = allowed is null ? RowTopK(row, k, heapV, heapI) : RowTopKAmong(row, allowed, k, heapV, heapI);
                Array.Sort(heapI, heapV, 0, n);
                Array.Copy(heapI, 0, idx, (long)i * k, n);
                Array.Copy(heapV, 0, val, (long)i * k, n);
                counts[i + 1] = n;
            }
        });
        return Compact(counts, idx, val, k);
    }

    /// <summary>The rows·k largest positive values of the whole block (BatchTopK); ties at the cut are taken in row order.</summary>
    public static SparseCodes BatchTopK(float[] pre, int rows, int m, long total)
    {
        var cut = KthLargestPositive(pre, (long)rows * m, total, out var takeAtCut);
        // Ties at the cut value: the first takeAtCut of them, in row-major order.
        var counts = new int[rows + 1];
        var atCut = new int[rows];
        ParallelWork.For(rows, m, i =>
        {
            var row = pre.AsSpan((int)((long)i * m), m);
            int above = 0, equal = 0;
            foreach (var v in row) { if (v > cut) above++; else if (v == cut && v > 0) equal++; }
            counts[i + 1] = above; atCut[i] = equal;
        });
        var tieTaken = new int[rows];
        var left = takeAtCut;
        for (var i = 0; i < rows && left > 0; i++) { tieTaken[i] = (int)Math.Min(left, atCut[i]); left -= tieTaken[i]; }
        for (var i = 0; i < rows; i++) counts[i + 1] += counts[i] + tieTaken[i];
        var idx = new int[counts[rows]]; var val = new float[counts[rows]];
        ParallelWork.For(rows, m, i =>
        {
            var row = pre.AsSpan((int)((long)i * m), m);
            int p = counts[i], ties = tieTaken[i];
            for (var j = 0; j < m; j++)
            {
                var v = row[j];
                if (v > cut || (v == cut && v > 0 && ties-- > 0)) { idx[p] = j; val[p++] = v; }
            }
        });
        return new SparseCodes(counts, idx, val);
    }

    /// <summary>Every positive value (ReLU SAEs); with a threshold, every value above it (JumpReLU inference).</summary>
    public static SparseCodes Above(float[] pre, int rows, int m, float threshold = 0)
    {
        var counts = new int[rows + 1];
        ParallelWork.For(rows, m, i =>
        {
            var n = 0;
            foreach (var v in pre.AsSpan((int)((long)i * m), m)) if (v > threshold) n++;
            counts[i + 1] = n;
        });
        for (var i = 0; i < rows; i++) counts[i + 1] += counts[i];
        var idx = new int[counts[rows]]; var val = new float[counts[rows]];
        ParallelWork.For(rows, m, i =>
        {
            var row = pre.AsSpan((int)((long)i * m), m);
            var p = counts[i];
            for (var j = 0; j < m; j++) if (row[j] > threshold) { idx[p] = j; val[p++] = row[j]; }
        });
        return new SparseCodes(counts, idx, val);
    }

    private static SparseCodes Compact(int[] counts, int[] idx, float[] val, int stride)
    {
        var rows = counts.Length - 1;
        var n = new int[rows];
        for (var i = 0; i < rows; i++) { n[i] = counts[i + 1]; counts[i + 1] = counts[i] + n[i]; }
        if (counts[rows] == (long)rows * stride) return new SparseCodes(counts, idx, val);
        var ci = new int[counts[rows]]; var cv = new float[counts[rows]];
        for (var i = 0; i < rows; i++)
        {
            Array.Copy(idx, (long)i * stride, ci, counts[i], n[i]);
            Array.Copy(val, (long)i * stride, cv, counts[i], n[i]);
        }
        return new SparseCodes(counts, ci, cv);
    }

    // A min-heap of the k largest positives; blocks of 8 that cannot beat the heap's minimum are skipped with one compare.
    private static int RowTopK(ReadOnlySpan<float> row, int k, float[] hv, int[] hi)
    {
        var n = 0;
        var min = 0f; // below k entries, anything positive enters
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= row.Length; j += 8)
            {
                var block = Vector256.Create(row.Slice(j, 8));
                if (Vector256.GreaterThanAny(block, Vector256.Create(min)))
                    for (var t = j; t < j + 8; t++) Offer(row[t], t, k, hv, hi, ref n, ref min);
            }
        for (; j < row.Length; j++) Offer(row[j], j, k, hv, hi, ref n, ref min);
        return n;
    }

    private static int RowTopKAmong(ReadOnlySpan<float> row, int[] allowed, int k, float[] hv, int[] hi)
    {
        var n = 0; var min = 0f;
        foreach (var j in allowed) Offer(row[j], j, k, hv, hi, ref n, ref min);
        return n;
    }

    // Ties with the heap minimum keep the earlier latent, as a stable order would.
    private static void Offer(float v, int j, int k, float[] hv, int[] hi, ref int n, ref float min)
    {
        if (!(v > min)) return; // min stays 0 until the heap is full
        if (n < k)
        {
            var c = n++;
            while (c > 0) { var p = (c - 1) / 2; if (hv[p] <= v) break; hv[c] = hv[p]; hi[c] = hi[p]; c = p; }
            hv[c] = v; hi[c] = j;
            if (n == k) min = hv[0];
            return;
        }
        // Replace the root and sift down.
        var i = 0;
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, s = i;
            var sv = v;
            if (l < k && hv[l] < sv) { s = l; sv = hv[l]; }
            if (r < k && hv[r] < sv) s = r;
            if (s == i) break;
            hv[i] = hv[s]; hi[i] = hi[s]; i = s;
        }
        hv[i] = v; hi[i] = j;
        min = hv[0];
    }

    // The total-th largest positive value by two passes over the bit patterns (positive floats order like their bits):
    // a histogram of the top 16 bits finds the bucket, then the bucket's values are sorted. takeAtCut says how many
    // values equal to the cut to take. When fewer than total values are positive, every positive value is taken.
    private static float KthLargestPositive(float[] pre, long length, long total, out long takeAtCut)
    {
        var chunks = Math.Max(1, Environment.ProcessorCount * 4);
        var size = (length + chunks - 1) / chunks;
        var hist = new long[65536];
        var locals = new long[chunks][];
        ParallelWork.For(chunks, size, c =>
        {
            var h = new long[65536];
            for (long p = c * size, end = Math.Min(length, p + size); p < end; p++)
            {
                var v = pre[p];
                if (v > 0) h[BitConverter.SingleToUInt32Bits(v) >> 16]++;
            }
            locals[c] = h;
        });
        foreach (var h in locals) for (var b = 0; b < h.Length; b++) hist[b] += h[b];
        long above = 0;
        var bucket = 65535;
        for (; bucket >= 0; bucket--) { if (above + hist[bucket] >= total) break; above += hist[bucket]; }
        if (bucket < 0) { takeAtCut = 0; return 0f; } // fewer positives than total: take them all (v > 0)
        var inBucket = new List<float>((int)hist[bucket]);
        for (long p = 0; p < length; p++)
        {
            var v = pre[p];
            if (v > 0 && BitConverter.SingleToUInt32Bits(v) >> 16 == (uint)bucket) inBucket.Add(v);
        }
        inBucket.Sort((a, b) => b.CompareTo(a));
        var need = (int)(total - above);
        var cut = inBucket[need - 1];
        var strictlyAbove = above + inBucket.Count(v => v > cut);
        takeAtCut = total - strictlyAbove;
        return cut;
    }
}

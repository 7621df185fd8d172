namespace Analysis.Probing;

/// <summary>Evaluation metrics with sklearn's definitions.</summary>
public static class Metrics
{
    /// <summary>Fraction of exact matches.</summary>
    public static double Accuracy(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        var hits = 0;
        for (var i = 0; i < truth.Length; i++) if (truth[i] == predicted[i]) hits++;
        return truth.Length == 0 ? double.NaN : (double)hits / truth.Length;
    }

    /// <summary>Unweighted mean of per-class F1 over classes present in truth or predictions (sklearn f1_score average='macro').</summary>
    public static double MacroF1(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int classes)
    {
        var tp = new int[classes]; var fp = new int[classes]; var fn = new int[classes];
        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i] == predicted[i]) tp[truth[i]]++;
            else { fp[predicted[i]]++; fn[truth[i]]++; }
        }
        double sum = 0; var present = 0;
        for (var c = 0; c < classes; c++)
        {
            if (tp[c] + fp[c] + fn[c] == 0) continue;
            present++;
            sum += 2.0 * tp[c] / (2.0 * tp[c] + fp[c] + fn[c]);
        }
        return present == 0 ? double.NaN : sum / present;
    }

    /// <summary>Mean negative log-probability of the true class (probabilities rows × classes), clipped at 1e-15 like sklearn.</summary>
    public static double LogLoss(ReadOnlySpan<int> truth, ReadOnlySpan<float> probabilities, int classes)
    {
        var sum = 0.0;
        for (var i = 0; i < truth.Length; i++)
            sum -= Math.Log(Math.Clamp(probabilities[i * classes + truth[i]], 1e-15, 1 - 1e-15));
        return sum / truth.Length;
    }

    /// <summary>Coefficient of determination 1 − SS_res / SS_tot.</summary>
    public static double R2(ReadOnlySpan<double> truth, ReadOnlySpan<double> predicted)
    {
        var mean = 0.0;
        foreach (var v in truth) mean += v;
        mean /= truth.Length;
        double res = 0, tot = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            res += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            tot += (truth[i] - mean) * (truth[i] - mean);
        }
        return tot == 0 ? (res == 0 ? 1.0 : 0.0) : 1 - res / tot;
    }

    /// <summary>Spearman rank correlation (Pearson correlation of average ranks; ties share their mean rank).</summary>
    public static double Spearman(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Pearson(Ranks(a), Ranks(b));

    /// <summary>Pearson correlation.</summary>
    public static double Pearson(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double ma = 0, mb = 0;
        for (var i = 0; i < a.Length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.Length; mb /= b.Length;
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var (da, db) = (a[i] - ma, b[i] - mb);
            sab += da * db; saa += da * da; sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    internal static double[] Ranks(ReadOnlySpan<double> v)
    {
        var order = Enumerable.Range(0, v.Length).ToArray();
        var keys = v.ToArray();
        Array.Sort(keys.ToArray(), order);
        var ranks = new double[v.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && keys[order[j + 1]] == keys[order[i]]) j++;
            var rank = (i + j) / 2.0 + 1;
            for (var t = i; t <= j; t++) ranks[order[t]] = rank;
            i = j + 1;
        }
        return ranks;
    }
}

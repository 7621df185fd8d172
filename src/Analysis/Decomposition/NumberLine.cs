using Analysis.Numerics;

namespace Analysis.Decomposition;

/// <summary>A least-squares line score = slope·v + intercept and its R².</summary>
public sealed record LinearFit(double Slope, double Intercept, double R2)
{
    /// <summary>Fits score on v.</summary>
    public static LinearFit Of(ReadOnlySpan<double> v, ReadOnlySpan<double> score)
    {
        double mv = 0, ms = 0;
        for (var i = 0; i < v.Length; i++) { mv += v[i]; ms += score[i]; }
        mv /= v.Length; ms /= v.Length;
        double svv = 0, svs = 0, sss = 0;
        for (var i = 0; i < v.Length; i++)
        {
            var (a, b) = (v[i] - mv, score[i] - ms);
            svv += a * a; svs += a * b; sss += b * b;
        }
        if (svv == 0) return new LinearFit(0, ms, 0);
        var slope = svs / svv;
        return new LinearFit(slope, ms - slope * mv, sss == 0 ? 0 : svs * svs / (svv * sss));
    }
}

/// <summary>How one projection (PCA or PLS first component) relates to the number: linearly or logarithmically.</summary>
public sealed record ScaleFit(LinearFit Linear, LinearFit Logarithmic)
{
    /// <summary>"log" when log(label) explains the component better, else "linear".</summary>
    public string Better => Logarithmic.R2 > Linear.R2 ? "log" : "linear";
}

/// <summary>A layer's number-line analysis, with a sample of points for plotting.</summary>
public sealed record NumberLineResult(string Hook, int Rows, ScaleFit Pca, ScaleFit Pls, int PlsComponents, double PlsCrossValidatedR2,
    double[] SampleValues, double[] SamplePcaScores, double[] SamplePlsScores);

/// <summary>
/// The number-line test (ANALYSES.md row 2): per layer, take the first PCA and PLS components of the activations at
/// number tokens and regress each on the number and on its logarithm; report both R² and which fits better.
/// </summary>
public static class NumberLine
{
    /// <summary>Analyses one layer; labels must be positive numbers.</summary>
    public static NumberLineResult Analyze(string hook, Matrix x, IReadOnlyList<double> labels, int maxPlsComponents = 5, int sample = 400, int seed = 0)
    {
        if (labels.Count != x.Rows) throw new ArgumentException($"Hook {hook} has {x.Rows} rows but {labels.Count} labels.");
        foreach (var bad in labels.Where(l => !(l > 0) || !double.IsFinite(l)).Take(1))
            throw new BadInputException($"The number-line label must be a positive finite number for log(label); found {bad}.");
        var v = labels.ToArray();
        var logV = v.Select(l => Math.Log(l)).ToArray();
        var pca = Pca.Fit(x, 1);
        var pcaScores = pca.Transform(x).Data.Select(s => (double)s).ToArray();
        var maxComponents = Math.Min(maxPlsComponents, Math.Min(x.Columns, x.Rows / 5 - 1));
        var cv = maxComponents >= 1 ? Pls.CrossValidate(x, v, 1, maxComponents, seed: seed) : new PlsCrossValidation(1, [double.NaN]);
        var pls = Pls.Fit(x, v, 1, cv.BestComponents);
        var plsScores = Enumerable.Range(0, x.Rows).Select(i => pls.XScores[i * pls.Components]).ToArray();
        var pick = Enumerable.Range(0, x.Rows).ToArray();
        new Random(seed).Shuffle(pick);
        pick = pick.Take(sample).ToArray();
        return new NumberLineResult(hook, x.Rows,
            new ScaleFit(LinearFit.Of(v, pcaScores), LinearFit.Of(logV, pcaScores)),
            new ScaleFit(LinearFit.Of(v, plsScores), LinearFit.Of(logV, plsScores)),
            cv.BestComponents, cv.MeanR2[cv.BestComponents - 1],
            pick.Select(i => v[i]).ToArray(), pick.Select(i => pcaScores[i]).ToArray(), pick.Select(i => plsScores[i]).ToArray());
    }
}

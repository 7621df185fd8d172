namespace Analysis.Numerics;

/// <summary>A smooth objective: returns f(x) and writes ∇f(x) into gradient.</summary>
public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Where L-BFGS stopped and why.</summary>
public sealed record LbfgsResult(double[] Solution, double Value, int Iterations, int Evaluations, bool Converged, string Reason);

/// <summary>
/// Limited-memory BFGS (Nocedal &amp; Wright, Alg. 7.5) with a strong-Wolfe line search (Alg. 3.5/3.6),
/// stopping like SciPy's L-BFGS-B: max |∇f| ≤ gradientTolerance or a relative decrease below 64·ε.
/// </summary>
public sealed class Lbfgs
{
    /// <summary>History pairs kept (SciPy's default is 10).</summary>
    public int Memory { get; init; } = 10;

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Stop when the largest gradient component is at most this.</summary>
    public double GradientTolerance { get; init; } = 1e-5;

    /// <summary>Minimizes f from the start point.</summary>
    public LbfgsResult Minimize(Objective f, ReadOnlySpan<double> start)
    {
        var n = start.Length;
        var x = start.ToArray();
        var g = new double[n];
        var fx = f(x, g);
        var evaluations = 1;
        var s = new double[Memory][];
        var y = new double[Memory][];
        var rho = new double[Memory];
        var alpha = new double[Memory];
        var stored = 0;
        var d = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        for (var iter = 0; iter < MaxIterations; iter++)
        {
            if (MaxAbs(g) <= GradientTolerance) return new(x, fx, iter, evaluations, true, "gradient below tolerance");
            // Two-loop recursion: d = −H∇f.
            for (var i = 0; i < n; i++) d[i] = -g[i];
            for (var j = stored - 1; j >= 0; j--)
            {
                alpha[j] = rho[j] * Dot(s[j], d);
                Axpy(-alpha[j], y[j], d);
            }
            var gamma = stored > 0 ? Dot(s[stored - 1], y[stored - 1]) / Dot(y[stored - 1], y[stored - 1]) : 1.0 / Math.Max(1.0, Norm(g));
            for (var i = 0; i < n; i++) d[i] *= gamma;
            for (var j = 0; j < stored; j++)
            {
                var beta = rho[j] * Dot(y[j], d);
                Axpy(alpha[j] - beta, s[j], d);
            }
            var slope = Dot(g, d);
            if (slope >= 0)
            {   // Not a descent direction (numerical trouble): restart from steepest descent.
                stored = 0;
                for (var i = 0; i < n; i++) d[i] = -g[i] / Math.Max(1.0, Norm(g));
                slope = Dot(g, d);
            }
            var (step, fNew, evals) = LineSearch(f, x, fx, g, d, slope, xNew, gNew);
            evaluations += evals;
            if (step == 0) return new(x, fx, iter, evaluations, false, "line search failed");
            var sv = new double[n];
            var yv = new double[n];
            for (var i = 0; i < n; i++) { sv[i] = xNew[i] - x[i]; yv[i] = gNew[i] - g[i]; }
            var sy = Dot(sv, yv);
            if (sy > 1e-12 * Dot(yv, yv))
            {
                if (stored == Memory)
                {
                    Array.Copy(s, 1, s, 0, Memory - 1); Array.Copy(y, 1, y, 0, Memory - 1); Array.Copy(rho, 1, rho, 0, Memory - 1);
                    stored--;
                }
                s[stored] = sv; y[stored] = yv; rho[stored] = 1.0 / sy; stored++;
            }
            var decrease = (fx - fNew) / Math.Max(Math.Max(Math.Abs(fx), Math.Abs(fNew)), 1.0);
            xNew.CopyTo(x, 0); gNew.CopyTo(g, 0); fx = fNew;
            if (decrease <= 64 * MachineEpsilon)
                return new(x, fx, iter + 1, evaluations, true, "relative decrease below 64·ε");
        }
        return new(x, fx, MaxIterations, evaluations, MaxAbs(g) <= GradientTolerance, "iteration limit");
    }

    private static (double Step, double Value, int Evaluations) LineSearch(
        Objective f, double[] x, double f0, double[] g0, double[] d, double slope0, double[] xNew, double[] gNew)
    {
        const double c1 = 1e-4, c2 = 0.9;
        double prev = 0, fPrev = f0, slopePrev = slope0, step = 1;
        var evals = 0;
        for (var i = 0; i < 40; i++)
        {
            var fs = Evaluate(f, x, d, step, xNew, gNew); evals++;
            var slope = Dot(gNew, d);
            if (fs > f0 + c1 * step * slope0 || (i > 0 && fs >= fPrev))
                return Zoom(f, x, f0, slope0, d, prev, fPrev, slopePrev, step, fs, slope, xNew, gNew, evals);
            if (Math.Abs(slope) <= -c2 * slope0) return (step, fs, evals);
            if (slope >= 0) return Zoom(f, x, f0, slope0, d, step, fs, slope, prev, fPrev, slopePrev, xNew, gNew, evals);
            (prev, fPrev, slopePrev) = (step, fs, slope);
            step *= 2;
        }
        return (0, f0, evals);
    }

    private static (double, double, int) Zoom(Objective f, double[] x, double f0, double slope0, double[] d,
        double lo, double fLo, double slopeLo, double hi, double fHi, double slopeHi, double[] xNew, double[] gNew, int evals)
    {
        const double c1 = 1e-4, c2 = 0.9;
        for (var i = 0; i < 40; i++)
        {
            var step = CubicMinimizer(lo, fLo, slopeLo, hi, fHi, slopeHi);
            var fs = Evaluate(f, x, d, step, xNew, gNew); evals++;
            var slope = Dot(gNew, d);
            if (fs > f0 + c1 * step * slope0 || fs >= fLo)
                (hi, fHi, slopeHi) = (step, fs, slope);
            else
            {
                if (Math.Abs(slope) <= -c2 * slope0) return (step, fs, evals);
                if (slope * (hi - lo) >= 0) (hi, fHi, slopeHi) = (lo, fLo, slopeLo);
                (lo, fLo, slopeLo) = (step, fs, slope);
            }
            if (Math.Abs(hi - lo) < 1e-14 * Math.Max(1, Math.Abs(lo))) break;
        }
        // Accept the best sufficient-decrease point found, if any.
        if (lo > 0 && fLo < f0) { Evaluate(f, x, d, lo, xNew, gNew); return (lo, fLo, evals + 1); }
        return (0, f0, evals);
    }

    // Minimizer of the cubic through both ends, kept safely inside the bracket; bisection when it misbehaves.
    private static double CubicMinimizer(double a, double fa, double ga, double b, double fb, double gb)
    {
        var d1 = ga + gb - 3 * (fa - fb) / (a - b);
        var disc = d1 * d1 - ga * gb;
        double t;
        if (disc >= 0)
        {
            var d2 = Math.Sign(b - a) * Math.Sqrt(disc);
            t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
        }
        else t = double.NaN;
        var lo = Math.Min(a, b); var hi = Math.Max(a, b); var margin = 0.1 * (hi - lo);
        if (!double.IsFinite(t) || t < lo + margin || t > hi - margin) t = 0.5 * (a + b);
        return t;
    }

    private static double Evaluate(Objective f, double[] x, double[] d, double step, double[] xNew, double[] gNew)
    {
        for (var i = 0; i < x.Length; i++) xNew[i] = x[i] + step * d[i];
        return f(xNew, gNew);
    }

    private const double MachineEpsilon = 2.220446049250313e-16;

    private static double Dot(double[] a, double[] b) { var s = 0.0; for (var i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
    private static double MaxAbs(double[] a) { var m = 0.0; foreach (var v in a) m = Math.Max(m, Math.Abs(v)); return m; }
    private static void Axpy(double a, double[] x, double[] y) { for (var i = 0; i < y.Length; i++) y[i] += a * x[i]; }
}

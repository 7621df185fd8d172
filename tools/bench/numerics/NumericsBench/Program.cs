// Usage: NumericsBench DATA.bin RESULT.json
// DATA.bin (little-endian): int32 n, d, classes, trainRows; float32 X[n*d]; int32 labels[n]; float64 target[n].
// Fits on the first trainRows rows, evaluates on the rest, and writes what compare.py checks against scikit-learn.
using System.Diagnostics;
using System.Text.Json;
using Analysis.Decomposition;
using Analysis.Numerics;
using Analysis.Probing;

using var reader = new BinaryReader(File.OpenRead(args[0]));
int n = reader.ReadInt32(), d = reader.ReadInt32(), k = reader.ReadInt32(), nTrain = reader.ReadInt32();
var x = new Matrix(n, d);
reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.Data.AsSpan()));
var labels = new int[n];
reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
var target = new double[n];
reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(target.AsSpan()));

var trainIdx = Enumerable.Range(0, nTrain).ToArray();
var testIdx = Enumerable.Range(nTrain, n - nTrain).ToArray();
var xTrain = x.SelectRows(trainIdx);
var xTest = x.SelectRows(testIdx);
var yTrain = labels[..nTrain];
var yTest = labels[nTrain..];
var classes = Enumerable.Range(0, k).Select(c => c.ToString()).ToArray();
var results = new Dictionary<string, object>();

double Time(Action a)
{
    var sw = Stopwatch.StartNew();
    a();
    return sw.Elapsed.TotalSeconds;
}

// Warm up the JIT on a small slice so timings measure the numerics.
var warm = x.SelectRows(Enumerable.Range(0, Math.Min(n, 2000)).ToArray());
LogisticRegression.Fit(warm, labels[..warm.Rows], classes, new() { MaxIterations = 5 });
Pca.Fit(warm, 2); Pca.FitRandomized(warm, 2); Pls.Fit(warm, target[..warm.Rows], 1, 2); RidgeRegression.Fit(warm, target[..warm.Rows]);

LinearClassifier? probe = null;
var tolerance = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : new LogisticRegressionOptions().Tolerance;
var t = Time(() => probe = LogisticRegression.Fit(xTrain, yTrain, classes, new LogisticRegressionOptions { C = 1.0, Tolerance = tolerance }));
var probs = probe!.Probabilities(xTest);
results["logistic"] = new { seconds = t, iterations = probe.Iterations, converged = probe.Converged, accuracy = Metrics.Accuracy(yTest, probe.Predict(xTest)), log_loss = Metrics.LogLoss(yTest, probs, k) };

LinearRegressor? ridge = null;
t = Time(() => ridge = RidgeRegression.Fit(xTrain, target[..nTrain], 1, alpha: 1.0));
results["ridge"] = new { seconds = t, coef = ridge!.Coefficients, intercept = ridge.Intercept[0] };

PcaModel? pca = null;
t = Time(() => pca = Pca.Fit(xTrain, 10));
results["pca"] = new { seconds = t, ratio = pca!.ExplainedVarianceRatio, variance = pca.ExplainedVariance, components = pca.Components };

t = Time(() => pca = Pca.FitRandomized(xTrain, 10));
results["pca_randomized"] = new { seconds = t, ratio = pca!.ExplainedVarianceRatio, components = pca.Components };

PlsModel? pls = null;
t = Time(() => pls = Pls.Fit(xTrain, target[..nTrain], 1, 5));
results["pls"] = new { seconds = t, prediction = pls!.Predict(xTest) };

File.WriteAllText(args[1], JsonSerializer.Serialize(results));

using Analysis.Numerics;

namespace Analysis.Probing;

/// <summary>How a layer's probe is trained and checked.</summary>
public sealed record ProbeOptions
{
    /// <summary>One split and fit per seed; results average over seeds.</summary>
    public int[] Seeds { get; init; } = [0, 1, 2];

    /// <summary>The probe's model settings.</summary>
    public LogisticRegressionOptions Model { get; init; } = new();

    /// <summary>Validation fraction (held out, not used for fitting).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Test fraction.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Bootstrap resamples for the 95% intervals.</summary>
    public int BootstrapResamples { get; init; } = 1000;
}

/// <summary>One seed's test-set numbers.</summary>
public sealed record SeedResult(int Seed, int TrainRows, int TestRows, double Accuracy, double MacroF1, double LogLoss,
    double Majority, double Shuffled, double Control);

/// <summary>A layer's probe with its baselines; intervals are 95% bootstrap over test examples, averaged over seeds.</summary>
public sealed record ProbeLayerResult(string Hook, int Rows, int Dimension, string[] Classes,
    Estimate Accuracy, Estimate MacroF1, double LogLoss, Estimate Majority, Estimate Shuffled, Estimate Control,
    Estimate Selectivity, SeedResult[] Seeds);

/// <summary>
/// Trains a layer's probe under several seeds with its baselines: majority class, shuffled training labels,
/// and Hewitt &amp; Liang's control task (each word type gets a random label drawn from the label distribution;
/// selectivity = accuracy − control accuracy).
/// </summary>
public static class ProbeExperiment
{
    /// <summary>Runs the experiment; wordTypes (usually token strings) define the control task, groups (optional) keep groups out of both train and test.</summary>
    public static ProbeLayerResult Run(string hook, Matrix x, IReadOnlyList<string> labels, IReadOnlyList<string> wordTypes,
        IReadOnlyList<string>? groups = null, ProbeOptions? options = null)
    {
        options ??= new();
        if (labels.Count != x.Rows || wordTypes.Count != x.Rows || (groups is not null && groups.Count != x.Rows))
            throw new ArgumentException($"Hook {hook} has {x.Rows} rows but {labels.Count} labels; every row needs a label and a word type.");
        x.EnsureFinite($"Hook {hook}");
        var encoding = ClassEncoding.Of(labels);
        var (classes, y) = (encoding.Classes, encoding.Ids);
        var k = classes.Length;

        var seeds = new List<SeedResult>();
        var truths = new List<int[]>();
        var predictions = new List<(int[] Probe, int[] Majority, int[] Shuffled, int[] Control, int[] ControlTruth)>();
        foreach (var seed in options.Seeds)
        {
            var split = groups is null
                ? DataSplit.Random(x.Rows, seed, options.ValidationFraction, options.TestFraction)
                : DataSplit.Grouped(groups, seed, options.ValidationFraction, options.TestFraction);
            var train = x.SelectRows(split.Train);
            var test = x.SelectRows(split.Test);
            var yTrain = split.Train.Select(i => y[i]).ToArray();
            var yTest = split.Test.Select(i => y[i]).ToArray();

            var probe = LogisticRegression.Fit(train, yTrain, classes, options.Model);
            var predicted = probe.Predict(test);
            var probabilities = probe.Probabilities(test);

            var majorityClass = yTrain.GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            var majority = Enumerable.Repeat(majorityClass, yTest.Length).ToArray();

            var shuffledLabels = (int[])yTrain.Clone();
            new Random(seed ^ 0x5bd1e995).Shuffle(shuffledLabels);
            var shuffled = LogisticRegression.Fit(train, shuffledLabels, classes, options.Model).Predict(test);

            var control = ControlLabels(wordTypes, y, seed);
            var controlTrain = split.Train.Select(i => control[i]).ToArray();
            var controlTruth = split.Test.Select(i => control[i]).ToArray();
            var controlPredicted = LogisticRegression.Fit(train, controlTrain, classes, options.Model).Predict(test);

            seeds.Add(new SeedResult(seed, split.Train.Length, split.Test.Length,
                Metrics.Accuracy(yTest, predicted), Metrics.MacroF1(yTest, predicted, k), Metrics.LogLoss(yTest, probabilities, k),
                Metrics.Accuracy(yTest, majority), Metrics.Accuracy(yTest, shuffled), Metrics.Accuracy(controlTruth, controlPredicted)));
            truths.Add(yTest);
            predictions.Add((predicted, majority, shuffled, controlPredicted, controlTruth));
        }

        var sizes = truths.Select(t => t.Length).ToArray();
        Estimate Interval(Func<int, int[], double> metric) => Bootstrap.Interval(sizes, metric, options.BootstrapResamples);
        double Acc(int[] truth, int[] pred, int[] idx) => idx.Count(i => truth[i] == pred[i]) / (double)idx.Length;
        return new ProbeLayerResult(hook, x.Rows, x.Columns, classes,
            Interval((e, idx) => Acc(truths[e], predictions[e].Probe, idx)),
            Interval((e, idx) => Metrics.MacroF1(idx.Select(i => truths[e][i]).ToArray(), idx.Select(i => predictions[e].Probe[i]).ToArray(), k)),
            seeds.Average(s => s.LogLoss),
            Interval((e, idx) => Acc(truths[e], predictions[e].Majority, idx)),
            Interval((e, idx) => Acc(truths[e], predictions[e].Shuffled, idx)),
            Interval((e, idx) => Acc(predictions[e].ControlTruth, predictions[e].Control, idx)),
            Interval((e, idx) => Acc(truths[e], predictions[e].Probe, idx) - Acc(predictions[e].ControlTruth, predictions[e].Control, idx)),
            [.. seeds]);
    }

    /// <summary>Hewitt &amp; Liang control labels: every word type draws one label from the empirical label distribution.</summary>
    public static int[] ControlLabels(IReadOnlyList<string> wordTypes, int[] labels, int seed)
    {
        var rng = new Random(seed ^ 0x2545F491);
        var byType = new Dictionary<string, int>(StringComparer.Ordinal);
        // Types in first-seen order so the assignment depends only on the data and the seed.
        var control = new int[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            if (!byType.TryGetValue(wordTypes[i], out var label))
                byType[wordTypes[i]] = label = labels[rng.Next(labels.Length)];
            control[i] = label;
        }
        return control;
    }
}

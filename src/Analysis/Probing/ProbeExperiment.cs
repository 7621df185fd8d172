using System.Globalization;
using Analysis.Numerics;

namespace Analysis.Probing;

/// <summary>How a layer's probe is trained and checked.</summary>
public sealed record ProbeOptions
{
    /// <summary>The C grid of <see cref="CGrid"/> by default: five decades around sklearn's default C = 1.</summary>
    public static readonly double[] DefaultCGrid = [0.001, 0.01, 0.1, 1, 10];

    /// <summary>One split and fit per seed; results average over seeds.</summary>
    public int[] Seeds { get; init; } = [0, 1, 2];

    /// <summary>The probe's model settings (its C is used only when <see cref="CGrid"/> is empty).</summary>
    public LogisticRegressionOptions Model { get; init; } = new();

    /// <summary>
    /// Candidate regularisation strengths: per seed, the probe is fitted on the training rows with each (a warm-started path,
    /// in the spirit of sklearn's LogisticRegressionCV) and the C with the lowest validation log-loss is kept.
    /// Empty: fit with <see cref="LogisticRegressionOptions.C"/> as given.
    /// </summary>
    public double[] CGrid { get; init; } = DefaultCGrid;

    /// <summary>Validation fraction (held out, used only to choose C).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Test fraction.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Bootstrap resamples for the 95% intervals.</summary>
    public int BootstrapResamples { get; init; } = 1000;

    /// <summary>
    /// The control task is run only when at least this share of test rows has a word type seen in training: it measures how
    /// well a probe memorises word types, so on unseen types (a split grouped by token) it is chance by construction.
    /// </summary>
    public double MinimumSeenTypeShare { get; init; } = 0.5;
}

/// <summary>One seed's test-set numbers; Control is null when the control task was not applicable; C is the strength used.</summary>
public sealed record SeedResult(int Seed, int TrainRows, int TestRows, double Accuracy, double MacroF1, double LogLoss,
    double Majority, double Shuffled, double? Control, double C = double.NaN, double SeenTypeShare = double.NaN);

/// <summary>
/// A layer's probe with its baselines; intervals are 95% bootstrap over test examples, averaged over seeds. Control and
/// Selectivity are null when the control task was not applicable (<see cref="ControlTask"/> says how it ran or why not).
/// </summary>
public sealed record ProbeLayerResult(string Hook, int Rows, int Dimension, string[] Classes,
    Estimate Accuracy, Estimate MacroF1, double LogLoss, Estimate Majority, Estimate Shuffled, Estimate? Control,
    Estimate? Selectivity, SeedResult[] Seeds)
{
    /// <summary>The regularisation strength used: the one most seeds chose (the smaller on a tie), or the fixed C.</summary>
    public double C { get; init; } = double.NaN;

    /// <summary>How C was set: "validation log-loss over {…}" or "fixed".</summary>
    public string CSelection { get; init; } = "";

    /// <summary>How the control task was run, or why it was not.</summary>
    public string ControlTask { get; init; } = "";

    /// <summary>Mean share over seeds of test rows whose word type occurs among the training rows.</summary>
    public double SeenTypeShare { get; init; } = double.NaN;
}

/// <summary>
/// Trains a layer's probe under several seeds with its baselines: majority class, shuffled training labels,
/// and Hewitt &amp; Liang's control task (each word type gets a random label drawn from the label distribution;
/// selectivity = accuracy − control accuracy) where the split shares word types between train and test.
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
        if (options.CGrid.Any(c => !(c > 0) || double.IsInfinity(c)))
            throw new BadInputException($"Every C of the grid must be a positive number (got {string.Join(", ", options.CGrid)}).");
        x.EnsureFinite($"Hook {hook}");
        var encoding = ClassEncoding.Of(labels);
        var (classes, y) = (encoding.Classes, encoding.Ids);
        var k = classes.Length;

        // The splits depend only on the rows and seeds, so whether the control task applies is known before any fit.
        var splits = options.Seeds.Select(seed => groups is null
            ? DataSplit.Random(x.Rows, seed, options.ValidationFraction, options.TestFraction)
            : DataSplit.Grouped(groups, seed, options.ValidationFraction, options.TestFraction)).ToArray();
        var shares = splits.Select(s => SeenTypeShare(wordTypes, s)).ToArray();
        var seenShare = shares.Length > 0 ? shares.Average() : double.NaN;
        var controlApplies = seenShare >= options.MinimumSeenTypeShare;
        var splitKind = groups is null ? "random split" : "grouped split";
        var controlTask = controlApplies
            ? $"Hewitt & Liang control task on the probe's {splitKind}; {Percent(seenShare)} of test rows have a word type seen in training"
            : $"not applicable: only {Percent(seenShare)} of test rows have a word type seen in training ({splitKind}), so control accuracy would be chance by construction";

        var seeds = new List<SeedResult>();
        var truths = new List<int[]>();
        var predictions = new List<(int[] Probe, int[] Majority, int[] Shuffled, int[]? Control, int[]? ControlTruth)>();
        for (var s = 0; s < splits.Length; s++)
        {
            var (seed, split) = (options.Seeds[s], splits[s]);
            var train = x.SelectRows(split.Train);
            var test = x.SelectRows(split.Test);
            var yTrain = split.Train.Select(i => y[i]).ToArray();
            var yTest = split.Test.Select(i => y[i]).ToArray();

            var (probe, c) = FitChoosingC(hook, x, y, split, train, yTrain, classes, options);
            var model = options.Model with { C = c };
            var predicted = probe.Predict(test);
            var probabilities = probe.Probabilities(test);

            var majorityClass = yTrain.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            var majority = Enumerable.Repeat(majorityClass, yTest.Length).ToArray();

            var shuffledLabels = (int[])yTrain.Clone();
            new Random(seed ^ 0x5bd1e995).Shuffle(shuffledLabels);
            var shuffled = LogisticRegression.Fit(train, shuffledLabels, classes, model).Predict(test);

            int[]? controlPredicted = null, controlTruth = null;
            if (controlApplies)
            {
                var control = ControlLabels(wordTypes, y, seed);
                var controlTrain = split.Train.Select(i => control[i]).ToArray();
                controlTruth = split.Test.Select(i => control[i]).ToArray();
                controlPredicted = LogisticRegression.Fit(train, controlTrain, classes, model).Predict(test);
            }

            seeds.Add(new SeedResult(seed, split.Train.Length, split.Test.Length,
                Metrics.Accuracy(yTest, predicted), Metrics.MacroF1(yTest, predicted, k), Metrics.LogLoss(yTest, probabilities, k),
                Metrics.Accuracy(yTest, majority), Metrics.Accuracy(yTest, shuffled),
                controlApplies ? Metrics.Accuracy(controlTruth!, controlPredicted!) : null, c, shares[s]));
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
            controlApplies ? Interval((e, idx) => Acc(predictions[e].ControlTruth!, predictions[e].Control!, idx)) : null,
            controlApplies ? Interval((e, idx) => Acc(truths[e], predictions[e].Probe, idx) - Acc(predictions[e].ControlTruth!, predictions[e].Control!, idx)) : null,
            [.. seeds])
        {
            C = seeds.GroupBy(s => s.C).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key,
            CSelection = options.CGrid.Length == 0 ? "fixed"
                : $"validation log-loss over {{{string.Join(", ", options.CGrid.Order().Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}}}",
            ControlTask = controlTask,
            SeenTypeShare = seenShare,
        };
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

    /// <summary>The share of a split's test rows whose word type occurs among its training rows.</summary>
    public static double SeenTypeShare(IReadOnlyList<string> wordTypes, DataSplit split)
    {
        if (split.Test.Length == 0) return double.NaN;
        var seen = split.Train.Select(i => wordTypes[i]).ToHashSet(StringComparer.Ordinal);
        return split.Test.Count(i => seen.Contains(wordTypes[i])) / (double)split.Test.Length;
    }

    // Fits along the C grid from the strongest regularisation up, each fit warm-started from the previous solution, and keeps
    // the probe with the lowest validation log-loss (the smaller C on a tie).
    private static (LinearClassifier Probe, double C) FitChoosingC(string hook, Matrix x, int[] y, DataSplit split, Matrix train, int[] yTrain,
        string[] classes, ProbeOptions options)
    {
        if (options.CGrid.Length == 0) return (LogisticRegression.Fit(train, yTrain, classes, options.Model), options.Model.C);
        if (split.Validation.Length == 0)
            throw new BadInputException($"Choosing C for {hook} needs validation rows, but the split left none; raise the validation fraction or fix C (--c).");
        var validation = x.SelectRows(split.Validation);
        var yValidation = split.Validation.Select(i => y[i]).ToArray();
        double[]? theta = null;
        (LinearClassifier Probe, double C, double Loss) best = (null!, double.NaN, double.PositiveInfinity);
        foreach (var c in options.CGrid.Order())
        {
            var probe = LogisticRegression.Fit(train, yTrain, classes, options.Model with { C = c }, theta, out theta);
            var loss = Metrics.LogLoss(yValidation, probe.Probabilities(validation), classes.Length);
            if (loss < best.Loss || best.Probe is null) best = (probe, c, loss);
        }
        return (best.Probe, best.C);
    }

    private static string Percent(double share) => double.IsNaN(share) ? "n/a" : share.ToString("0%", CultureInfo.InvariantCulture);
}

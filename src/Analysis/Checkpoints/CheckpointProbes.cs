namespace Analysis.Checkpoints;

/// <summary>
/// A probe sweep run on every checkpoint of a family: Accuracy[h][c] and Selectivity[h][c] for hook h at checkpoint c,
/// the layer × training-step picture the report draws as heatmaps (one per size).
/// </summary>
public sealed record CheckpointProbes(string Label, string[] Hooks, FamilyDataset[] Checkpoints, double[][] Accuracy, double[][] Selectivity, double[][] Control);

namespace Analysis.Checkpoints;

/// <summary>
/// One number per hook and checkpoint of a family (Values[h][c]), e.g. PC1's share of variance or the number line's
/// cross-validated R²: the layer × training-step picture the report draws as a heatmap per size.
/// </summary>
public sealed record CheckpointMetric(string Title, string Description, string[] Hooks, FamilyDataset[] Checkpoints, double[][] Values);

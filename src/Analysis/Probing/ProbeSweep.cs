namespace Analysis.Probing;

/// <summary>A probe layer sweep: one result per hook, in depth order, for one label.</summary>
public sealed record ProbeSweep(string Label, ProbeLayerResult[] Layers);

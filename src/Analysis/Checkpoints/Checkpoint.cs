namespace Analysis.Checkpoints;

/// <summary>
/// One model of a family (a training checkpoint or one size): its name in the family, the ONNX file, and what its
/// config.json's "training" block says (size and step; tools/train writes it). Step is -1 when unknown.
/// </summary>
public sealed record Checkpoint(string Name, string Model, string Size, long Step, long TokensSeen);

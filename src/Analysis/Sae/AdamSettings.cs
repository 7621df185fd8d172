namespace Analysis.Sae;

/// <summary>Adam's constants (PyTorch's defaults); the learning rate comes per step from the schedule.</summary>
public sealed record AdamSettings(float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f);

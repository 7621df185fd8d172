namespace Analysis.Verification;

/// <summary>How far a runtime's logits may be from the reference: both bounds must hold.</summary>
/// <param name="Absolute">Largest allowed |actual − expected| over all logits.</param>
/// <param name="Relative">Largest allowed absolute error divided by the largest |expected| logit of the case.</param>
public sealed record Tolerance(double Absolute, double Relative)
{
    /// <summary>Whether an error is within both bounds.</summary>
    public bool Admits(LogitsError error) => error.MaxAbsolute <= Absolute && error.MaxRelative <= Relative;
}

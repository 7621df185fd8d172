namespace Analysis.Sae;

/// <summary>Linear warm-up from 0, constant, then linear decay to 0 over the last steps (SAELens's schedule).</summary>
public sealed record LearningRateSchedule(double Peak, long Steps, long WarmupSteps, long DecaySteps)
{
    /// <summary>The rate of step s (0-based).</summary>
    public double At(long s)
    {
        var lr = Peak;
        if (WarmupSteps > 0 && s < WarmupSteps) lr *= (s + 1) / (double)WarmupSteps;
        var decayStart = Steps - DecaySteps;
        if (DecaySteps > 0 && s >= decayStart) lr *= (Steps - s) / (double)DecaySteps;
        return lr;
    }
}

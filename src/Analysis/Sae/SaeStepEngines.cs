using Analysis.Runtime;

namespace Analysis.Sae;

/// <summary>One SAE's training steps, whichever engine runs them; <see cref="Download"/> brings the state to the host trainer.</summary>
internal interface ISaeStepEngine : IDisposable
{
    SaeStepLoss Step(float[] x, int rows, double lr);

    double DeadFraction { get; }

    /// <summary>The host trainer, holding the current weights, moments, steps and firing history.</summary>
    SaeTrainer Download();
}

/// <summary>The SIMD engine: the host trainer itself.</summary>
internal sealed class SimdStepEngine(SaeTrainer trainer) : ISaeStepEngine
{
    public SaeStepLoss Step(float[] x, int rows, double lr)
    {
        var g = trainer.Step(x, rows, lr);
        return new SaeStepLoss(g.Loss, g.Mse, g.L1, g.AuxK, g.Fvu, g.L0, g.Dead);
    }

    public double DeadFraction => trainer.DeadFraction;

    public SaeTrainer Download() => trainer;

    public void Dispose() { }
}

/// <summary>The ONNX Runtime engine over a host trainer's state.</summary>
internal sealed class OnnxStepEngine(SaeTrainer host, Device device) : ISaeStepEngine
{
    private readonly OnnxSaeTrainer _trainer = new(host, device);

    public SaeStepLoss Step(float[] x, int rows, double lr) => _trainer.Step(x, rows, lr);

    public double DeadFraction => _trainer.DeadFraction;

    public SaeTrainer Download() => _trainer.Download();

    public void Dispose() => _trainer.Dispose();
}

using Analysis.Runtime;

namespace Analysis.Sae;

/// <summary>
/// Trains one SAE with the whole step run by ONNX Runtime (<see cref="SaeStepGraph"/>) on any execution provider: the
/// same graphs on the CPU (MLAS) and on CUDA. Weights, Adam's moments, the firing history and the BatchTopK threshold stay
/// in ORT's memory between steps (each step's outputs, allocated on the session's device, are bound as the next step's
/// inputs), so per step only the batch goes in and six numbers come out. <see cref="Download"/> copies the state into the
/// host <see cref="SaeTrainer"/> it mirrors (for checkpoints and saving).
/// </summary>
public sealed class OnnxSaeTrainer : IDisposable
{
    private readonly SaeTrainer _host;
    private readonly AdamSettings _adam;
    private readonly InferenceSession _plain, _readback;
    private readonly InferenceSession? _aux;
    private readonly IoBinding _plainBinding, _readbackBinding;
    private readonly IoBinding? _auxBinding;
    private RunResults? _state; // the last step's outputs: the current state on the device; null while the host holds it
    private long _dead;

    /// <summary>Starts from the given weights (taken over, not copied) on <paramref name="device"/> (cpu or cuda[:N]).</summary>
    public OnnxSaeTrainer(SaeSpec spec, SaeWeights initial, Device device, AdamSettings? adam = null)
        : this(new SaeTrainer(spec, initial, adam), device, adam) { }

    /// <summary>Continues from a host trainer's state (weights, moments, steps, firing history), e.g. one read from a checkpoint.</summary>
    internal OnnxSaeTrainer(SaeTrainer host, Device device, AdamSettings? adam = null)
    {
        _host = host;
        _adam = adam ?? new AdamSettings();
        var spec = host.Spec;
        if (device.Kind == DeviceKind.Auto) throw new ArgumentException("Choose cpu or cuda for the ONNX engine; auto could silently train on another device than asked.", nameof(device));
        // TF32 GEMMs (ORT's CUDA default on Ampere and later) keep 10 mantissa bits: the step must stay float32 to match.
        var options = new SessionOptions { Device = device, CudaProviderOptions = new Dictionary<string, string> { ["use_tf32"] = "0" } };
        try
        {
            _plain = InferenceSession.FromBytes(SaeStepGraph.Build(spec, _adam, auxK: false).ToBytes(), options);
            _plainBinding = _plain.CreateBinding();
            if (spec.Architecture != SaeArchitecture.Relu && spec.DIn / 2 > 0)
            {
                _aux = InferenceSession.FromBytes(SaeStepGraph.Build(spec, _adam, auxK: true).ToBytes(), options);
                _auxBinding = _aux.CreateBinding();
            }
            _readback = InferenceSession.FromBytes(SaeStepGraph.Readback(spec).ToBytes(), options);
            _readbackBinding = _readback.CreateBinding();
        }
        catch
        {
            Dispose();
            throw;
        }
        _dead = host.TokensSinceFired.Count(t => t >= spec.DeadTokens);
    }

    /// <summary>The SAE being trained.</summary>
    public SaeSpec Spec => _host.Spec;

    /// <summary>Where the steps run.</summary>
    public Device Device => _plain.Device;

    /// <summary>Adam steps taken.</summary>
    public long Steps => _host.Steps;

    /// <summary>Fraction of latents that have not fired for <see cref="SaeSpec.DeadTokens"/> tokens.</summary>
    public double DeadFraction => _dead / (double)Spec.DSae;

    /// <summary>One training step on a batch [rows × d_in] at learning rate lr; returns the batch's loss terms (before the step).</summary>
    public SaeStepLoss Step(float[] x, int rows, double lr)
    {
        var spec = Spec;
        int d = spec.DIn, m = spec.DSae;
        if (x.Length < (long)rows * d) throw new ArgumentException("The batch holds fewer than rows × d_in values.");
        var step = _host.Steps + 1;
        var deadBefore = _dead;
        var useAux = _aux is not null && deadBefore > 0;
        var binding = useAux ? _auxBinding! : _plainBinding;
        var auxScale = useAux ? Math.Min(deadBefore / (double)(d / 2), 1.0) : 0;
        binding.BindInput(SaeStepGraph.X, Tensor.Create(x.AsMemory(0, rows * d), rows, d));
        binding.BindInput(SaeStepGraph.StepSize, Tensor.Create([(float)(lr / (1 - Math.Pow(_adam.Beta1, step)))], 1));
        binding.BindInput(SaeStepGraph.Bc2Sqrt, Tensor.Create([(float)Math.Sqrt(1 - Math.Pow(_adam.Beta2, step))], 1));
        if (useAux)
        {
            binding.BindInput(SaeStepGraph.AuxKCount, Tensor.Create([Math.Min(d / 2, deadBefore)], 1));
            binding.BindInput(SaeStepGraph.AuxCoef, Tensor.Create([(float)(2 * spec.AuxKCoefficient * auxScale / rows)], 1));
        }
        BindState(binding, SaeStepGraph.State);
        foreach (var s in SaeStepGraph.State) binding.BindOutputOnDevice(SaeStepGraph.Next(s));
        binding.BindOutput(SaeStepGraph.Stats);
        binding.Run();
        var outputs = binding.GetOutputs();
        binding.Clear(); // the new state is referenced by `outputs` alone; the old one is released below
        _state?.Dispose();
        _state = outputs;
        _host.Steps = step;
        var stats = outputs[SaeStepGraph.Stats].ToArray<float>();
        double Stat(SaeStepGraph.Stat s) => stats[(int)s];
        _dead = (long)Stat(SaeStepGraph.Stat.DeadAfter);
        var mse = Stat(SaeStepGraph.Stat.SquaredError) / rows;
        var l1 = Stat(SaeStepGraph.Stat.L1);
        var aux = spec.AuxKCoefficient * auxScale * Stat(SaeStepGraph.Stat.AuxSquaredError) / rows;
        return new SaeStepLoss(mse + l1 + aux, mse, l1, aux, Stat(SaeStepGraph.Stat.SquaredError) / Stat(SaeStepGraph.Stat.TotalVariance),
            Stat(SaeStepGraph.Stat.Active) / rows, (int)deadBefore);
    }

    /// <summary>Copies the state from the device into the host trainer and returns it (weights, moments, steps, firing history).</summary>
    internal SaeTrainer Download()
    {
        if (_state is null) return _host;
        BindState(_readbackBinding, SaeStepGraph.State);
        foreach (var s in SaeStepGraph.State) _readbackBinding.BindOutput(SaeStepGraph.Next(s)); // CPU memory: ORT copies off the device
        _readbackBinding.Run();
        using (var values = _readbackBinding.GetOutputs())
        {
            _readbackBinding.Clear();
            var host = HostArrays();
            for (var i = 0; i < SaeStepGraph.State.Length; i++)
            {
                var name = SaeStepGraph.Next(SaeStepGraph.State[i]);
                if (host[i] is { } array) values[name].AsSpan<float>().CopyTo(array);
            }
            values[SaeStepGraph.Next(SaeStepGraph.SinceFired)].AsSpan<long>().CopyTo(_host.TokensSinceFired);
            _host.Weights.Threshold = values[SaeStepGraph.Next(SaeStepGraph.Threshold)].AsSpan<float>()[0];
        }
        return _host;
    }

    /// <summary>The current weights, read back from the device (in normalised input units).</summary>
    public SaeWeights ReadWeights() => Download().Weights;

    /// <summary>Releases the sessions and the device state.</summary>
    public void Dispose()
    {
        _state?.Dispose();
        _plainBinding?.Dispose(); _auxBinding?.Dispose(); _readbackBinding?.Dispose();
        _plain?.Dispose(); _aux?.Dispose(); _readback?.Dispose();
    }

    // The state inputs: the last step's outputs on the device, or (before the first step) the host arrays, which ORT
    // copies to the device once.
    private void BindState(IoBinding binding, string[] names)
    {
        var host = HostArrays();
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            if (_state is not null) binding.BindInput(name, _state[SaeStepGraph.Next(name)]);
            else if (name == SaeStepGraph.SinceFired) binding.BindInput(name, Tensor.Create(_host.TokensSinceFired, _host.TokensSinceFired.Length));
            else if (name == SaeStepGraph.Threshold) binding.BindInput(name, Tensor.Create([_host.Weights.Threshold], 1));
            else binding.BindInput(name, Tensor.Create(host[i]!, ShapeOf(name)));
        }
    }

    private long[] ShapeOf(string name) =>
        SaeStepGraph.Shapes(Spec.DIn, Spec.DSae)[name].Select(d => d.Value!.Value).ToArray();

    // The host arrays in SaeStepGraph.State order (null for the two states that are not float arrays).
    private float[]?[] HostArrays()
    {
        var (w, mo) = (_host.Weights, _host.Moments);
        return
        [
            w.EncoderRows, w.EncoderBias, w.DecoderRows, w.DecoderBias,
            mo.EncoderRowsM, mo.EncoderRowsV, mo.EncoderBiasM, mo.EncoderBiasV,
            mo.DecoderRowsM, mo.DecoderRowsV, mo.DecoderBiasM, mo.DecoderBiasV,
            null, null,
        ];
    }
}

using Analysis.Runtime.Ort;
using Microsoft.ML.OnnxRuntime;

namespace Analysis.Runtime;

/// <summary>
/// Inputs and outputs bound to a session once and reused across runs. An output bound to a <see cref="Tensor"/> is
/// written in place into the caller's memory; an output bound by name alone is allocated by ORT on the CPU. Bound caller memory stays pinned until it is rebound,
/// <see cref="Clear"/>ed, or the binding is disposed. Not thread-safe.
/// </summary>
public sealed class IoBinding : IDisposable
{
    private readonly InferenceSession session;
    private readonly OrtIoBinding binding;
    private readonly Dictionary<string, OrtValueLease> inputs = [];
    private readonly Dictionary<string, OrtValueLease> outputs = [];
    private bool disposed;

    internal IoBinding(InferenceSession session)
    {
        this.session = session;
        binding = OrtErrors.Call(session.Native.CreateIoBinding, "Could not create an I/O binding");
    }

    /// <summary>Binds <paramref name="tensor"/> to the input <paramref name="name"/>.</summary>
    public void BindInput(string name, Tensor tensor)
    {
        session.RequireInput(name);
        Keep(inputs, name, tensor.CreateValue(), value => binding.BindInput(name, value), $"Could not bind input '{name}'");
    }

    /// <summary>
    /// Binds a value ONNX Runtime produced (an earlier run's output, wherever it lives: GPU memory on CUDA) to the input
    /// <paramref name="name"/> without copying it. The binding holds its own reference, so disposing the value later is safe.
    /// </summary>
    public void BindInput(string name, NativeTensor value)
    {
        session.RequireInput(name);
        OrtErrors.Call(() => binding.BindInput(name, value.Value), $"Could not bind input '{name}'");
        if (inputs.Remove(name, out var previous)) previous.Dispose();
    }

    /// <summary>Binds the output <paramref name="name"/> to <paramref name="tensor"/>: runs write into its memory.</summary>
    public void BindOutput(string name, Tensor tensor)
    {
        session.RequireOutput(name);
        Keep(outputs, name, tensor.CreateValue(), value => binding.BindOutput(name, value), $"Could not bind output '{name}'");
    }

    /// <summary>Binds the output <paramref name="name"/> to CPU memory that ORT allocates at each run.</summary>
    public void BindOutput(string name)
    {
        session.RequireOutput(name);
        OrtErrors.Call(() => binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance), $"Could not bind output '{name}'");
    }

    /// <summary>
    /// Binds the output <paramref name="name"/> to memory ORT allocates at each run on the session's device (GPU memory on
    /// CUDA, the CPU otherwise), so that it can feed a later run through <see cref="BindInput(string, NativeTensor)"/> without
    /// a round trip through the host.
    /// </summary>
    public void BindOutputOnDevice(string name)
    {
        session.RequireOutput(name);
        if (session.Device.Kind != DeviceKind.Cuda)
        {
            BindOutput(name);
            return;
        }
        using var device = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, session.Device.Index, OrtMemType.Default);
        OrtErrors.Call(() => binding.BindOutputToDevice(name, device), $"Could not bind output '{name}' to {session.Device}");
    }

    /// <summary>Runs the session with the bound inputs and outputs.</summary>
    public void Run() => Run(CancellationToken.None);

    /// <summary>Runs the session with the bound inputs and outputs; cancelling stops the run inside ORT and throws <see cref="OperationCanceledException"/>.</summary>
    public void Run(CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var terminate = RunTermination.Start(cancellation);
        try
        {
            session.Native.RunWithBinding(terminate.Options, binding);
        }
        catch (OnnxRuntimeException e)
        {
            cancellation.ThrowIfCancellationRequested();
            throw OrtErrors.Translate(e, "ONNX Runtime failed to run the model");
        }
    }

    /// <summary>The bound outputs after <see cref="Run()"/>, in binding order; dispose them when done.</summary>
    public RunResults GetOutputs()
    {
        var names = OrtErrors.Call(binding.GetOutputNames, "Could not read the bound outputs");
        if (names.Length == 0) return new RunResults([]);
        var values = OrtErrors.Call(binding.GetOutputValues, "Could not read the bound outputs");
        return InferenceSession.Wrap(values, names);
    }

    /// <summary>Unbinds everything and unpins caller memory.</summary>
    public void Clear()
    {
        binding.ClearBoundInputs();
        binding.ClearBoundOutputs();
        Release(inputs);
        Release(outputs);
    }

    /// <summary>Releases the binding and unpins caller memory.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        binding.Dispose();
        Release(inputs);
        Release(outputs);
    }

    private static void Keep(Dictionary<string, OrtValueLease> kept, string name, OrtValueLease lease, Action<OrtValue> bind, string context)
    {
        try
        {
            OrtErrors.Call(() => bind(lease.Value), context);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        // ORT now holds its own reference to the value; the old one for this name (if any) is no longer bound.
        if (kept.Remove(name, out var previous)) previous.Dispose();
        kept[name] = lease;
    }

    private static void Release(Dictionary<string, OrtValueLease> kept)
    {
        foreach (var lease in kept.Values) lease.Dispose();
        kept.Clear();
    }
}

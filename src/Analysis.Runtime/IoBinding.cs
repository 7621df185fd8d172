using System.Runtime.InteropServices;
using Analysis.Runtime.Native;

namespace Analysis.Runtime;

/// <summary>
/// Inputs and outputs bound to a session once and reused across runs. An output bound to a <see cref="Tensor"/> is
/// written in place into the caller's memory; an output bound by name alone is allocated by ORT on the CPU.
/// Bound caller memory stays pinned until it is rebound, <see cref="Clear"/>ed, or the binding is disposed.
/// Not thread-safe.
/// </summary>
public sealed unsafe class IoBinding : IDisposable
{
    private readonly InferenceSession session;
    private readonly OrtHandle binding;
    private readonly Dictionary<string, OrtValueLease> inputs = [];
    private readonly Dictionary<string, OrtValueLease> outputs = [];

    internal IoBinding(InferenceSession session)
    {
        this.session = session;
        nint pointer;
        OrtStatus.Check(OrtApi.CreateIoBinding(session.Pointer, &pointer), "Could not create an I/O binding");
        binding = new OrtHandle(pointer, OrtApi.ReleaseIoBinding);
    }

    /// <summary>Binds <paramref name="tensor"/> to the input <paramref name="name"/>.</summary>
    public void BindInput(string name, Tensor tensor)
    {
        var utf8 = session.InputName(name);
        var lease = tensor.CreateValue(OrtEnvironment.Shared);
        Keep(inputs, name, lease, OrtApi.BindInput(binding.Pointer, (byte*)utf8, lease.Pointer), $"Could not bind input '{name}'");
    }

    /// <summary>Binds the output <paramref name="name"/> to <paramref name="tensor"/>: runs write into its memory.</summary>
    public void BindOutput(string name, Tensor tensor)
    {
        var utf8 = session.OutputName(name);
        var lease = tensor.CreateValue(OrtEnvironment.Shared);
        Keep(outputs, name, lease, OrtApi.BindOutput(binding.Pointer, (byte*)utf8, lease.Pointer), $"Could not bind output '{name}'");
    }

    /// <summary>Binds the output <paramref name="name"/> to CPU memory that ORT allocates at each run.</summary>
    public void BindOutput(string name)
    {
        var utf8 = session.OutputName(name);
        OrtStatus.Check(OrtApi.BindOutputToDevice(binding.Pointer, (byte*)utf8, OrtEnvironment.Shared.CpuMemoryInfo), $"Could not bind output '{name}'");
    }

    /// <summary>Runs the session with the bound inputs and outputs.</summary>
    public void Run()
    {
        OrtStatus.Check(OrtApi.RunWithBinding(session.Pointer, 0, binding.Pointer), "ONNX Runtime failed to run the model");
        GC.KeepAlive(session);
    }

    /// <summary>The bound outputs after <see cref="Run"/>, in binding order; dispose them when done.</summary>
    public RunResults GetOutputs()
    {
        var environment = OrtEnvironment.Shared;
        byte* names;
        nuint* lengths;
        nuint count;
        OrtStatus.Check(OrtApi.GetBoundOutputNames(binding.Pointer, environment.DefaultAllocator, &names, &lengths, &count), "Could not read the bound outputs");
        if (count == 0) return new RunResults([]);
        var outputNames = new string[(int)count];
        try
        {
            nuint offset = 0;
            for (var i = 0; i < (int)count; i++)
            {
                outputNames[i] = Marshal.PtrToStringUTF8((nint)(names + offset), (int)lengths[i]);
                offset += lengths[i];
            }
        }
        finally
        {
            environment.Free(names);
            environment.Free(lengths);
        }
        nint* values;
        OrtStatus.Check(OrtApi.GetBoundOutputValues(binding.Pointer, environment.DefaultAllocator, &values, &count), "Could not read the bound outputs");
        var results = new NativeTensor[(int)count];
        var wrapped = 0;
        try
        {
            for (; wrapped < (int)count; wrapped++)
            {
                var handle = new OrtHandle(values[wrapped], OrtApi.ReleaseValue);
                values[wrapped] = 0;
                results[wrapped] = NativeTensor.Wrap(handle, outputNames[wrapped]);
            }
        }
        catch
        {
            for (var i = 0; i < wrapped; i++) results[i].Dispose();
            for (var i = wrapped; i < (int)count; i++)
                if (values[i] != 0) OrtApi.ReleaseValue(values[i]);
            throw;
        }
        finally
        {
            environment.Free(values);
        }
        return new RunResults(results);
    }

    /// <summary>Unbinds everything and unpins caller memory.</summary>
    public void Clear()
    {
        OrtApi.ClearBoundInputs(binding.Pointer);
        OrtApi.ClearBoundOutputs(binding.Pointer);
        Release(inputs);
        Release(outputs);
    }

    /// <summary>Releases the binding and unpins caller memory.</summary>
    public void Dispose()
    {
        if (binding.IsClosed) return;
        binding.Dispose();
        Release(inputs);
        Release(outputs);
    }

    private static void Keep(Dictionary<string, OrtValueLease> kept, string name, OrtValueLease lease, nint status, string context)
    {
        if (status != 0)
        {
            lease.Dispose();
            throw OrtStatus.ToException(status, context);
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

using Analysis.Runtime.Ort;
using Microsoft.ML.OnnxRuntime;
using OrtSession = Microsoft.ML.OnnxRuntime.InferenceSession;

namespace Analysis.Runtime;

/// <summary>
/// A loaded model ready to run. Thread-safe: several threads may run one session at once.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly OrtSession session;
    private readonly Dictionary<string, int> inputIndex;
    private readonly Dictionary<string, int> outputIndex;
    private volatile bool disposed;

    private InferenceSession(OrtSession session, Device device, string? deviceNote)
    {
        this.session = session;
        Device = device;
        DeviceNote = deviceNote;
        Inputs = Describe(session.InputNames, session.InputMetadata);
        Outputs = Describe(session.OutputNames, session.OutputMetadata);
        inputIndex = Inputs.Select((m, i) => (m.Name, i)).ToDictionary(p => p.Name, p => p.i);
        outputIndex = Outputs.Select((m, i) => (m.Name, i)).ToDictionary(p => p.Name, p => p.i);
    }

    /// <summary>The model's inputs.</summary>
    public IReadOnlyList<ValueMetadata> Inputs { get; }

    /// <summary>The model's outputs.</summary>
    public IReadOnlyList<ValueMetadata> Outputs { get; }

    /// <summary>The device the session actually runs on (CPU after an <c>auto</c> fallback).</summary>
    public Device Device { get; }

    /// <summary>Why <c>auto</c> fell back to CPU, for the caller to show; null when nothing needs saying.</summary>
    public string? DeviceNote { get; }

    /// <summary>Loads the model file at <paramref name="modelPath"/> (external data files are found relative to it).</summary>
    public static InferenceSession Open(string modelPath, SessionOptions? options = null)
    {
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"The model file '{modelPath}' does not exist; check the path.", modelPath);
        var path = Path.GetFullPath(modelPath);
        return Create(options ?? SessionOptions.Default,
            native => OrtErrors.LoadModel(() => new OrtSession(path, native), $"ONNX Runtime cannot load the model '{modelPath}'"));
    }

    /// <summary>Loads a model from its serialized bytes (a model with external data must be opened from its file instead).</summary>
    public static InferenceSession FromBytes(ReadOnlyMemory<byte> model, SessionOptions? options = null)
    {
        // The official API takes an array; reuse the caller's when the memory is a whole one.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(model, out var segment) && segment.Offset == 0
            && segment.Count == segment.Array!.Length ? segment.Array : model.ToArray();
        return Create(options ?? SessionOptions.Default,
            native => OrtErrors.LoadModel(() => new OrtSession(bytes, native), "ONNX Runtime cannot load the model from memory"));
    }

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> (by input name) and returns the outputs named in
    /// <paramref name="outputNames"/>, or all outputs when null. Dispose the results when done with them.
    /// </summary>
    public RunResults Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string>? outputNames = null) =>
        Run(inputs, outputNames, CancellationToken.None);

    /// <summary>
    /// Like <see cref="Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}?)"/>; cancelling
    /// <paramref name="cancellation"/> stops the run inside ORT (<c>RunOptions.Terminate</c>) and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public RunResults Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellation)
    {
        // The official session crashes the process when used after disposal, so refuse first.
        ObjectDisposedException.ThrowIf(disposed, this);
        var names = new string[outputNames?.Count ?? Outputs.Count];
        for (var i = 0; i < names.Length; i++) names[i] = outputNames is null ? Outputs[i].Name : Outputs[OutputIndex(outputNames[i])].Name;
        var inputNames = new string[inputs.Count];
        var leases = new OrtValueLease[inputs.Count];
        var values = new OrtValue[inputs.Count];
        var leased = 0;
        try
        {
            foreach (var (name, tensor) in inputs)
            {
                InputIndex(name);
                leases[leased] = tensor.CreateValue();
                inputNames[leased] = name;
                values[leased] = leases[leased].Value;
                leased++;
            }
            using var terminate = RunTermination.Start(cancellation);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = session.Run(terminate.Options, inputNames, values, names);
            }
            catch (OnnxRuntimeException e)
            {
                cancellation.ThrowIfCancellationRequested();
                throw OrtErrors.Translate(e, "ONNX Runtime failed to run the model");
            }
            return Wrap(outputs, names);
        }
        finally
        {
            for (var i = 0; i < leased; i++) leases[i].Dispose();
        }
    }

    /// <summary>An I/O binding for this session: bind inputs and outputs once, run many times.</summary>
    public IoBinding CreateBinding() => new(this);

    /// <summary>Releases the native session.</summary>
    public void Dispose()
    {
        disposed = true;
        session.Dispose();
    }

    internal OrtSession Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return session;
        }
    }

    /// <summary>Throws listing the real inputs when the model has no input <paramref name="name"/>.</summary>
    internal void RequireInput(string name) => InputIndex(name);

    /// <summary>Throws listing the real outputs when the model has no output <paramref name="name"/>.</summary>
    internal void RequireOutput(string name) => OutputIndex(name);

    /// <summary>Takes ownership of ORT's outputs, releasing all of them if one cannot be wrapped.</summary>
    internal static RunResults Wrap(IDisposableReadOnlyCollection<OrtValue> outputs, IReadOnlyList<string> names)
    {
        var values = outputs.ToArray();
        var results = new NativeTensor[values.Length];
        var wrapped = 0;
        try
        {
            for (; wrapped < values.Length; wrapped++) results[wrapped] = NativeTensor.Wrap(values[wrapped], names[wrapped]);
        }
        catch
        {
            for (var i = 0; i < wrapped; i++) results[i].Dispose();
            for (var i = wrapped + 1; i < values.Length; i++) values[i].Dispose();
            throw;
        }
        return new RunResults(results);
    }

    private int InputIndex(string name) => inputIndex.TryGetValue(name, out var i) ? i
        : throw new ArgumentException($"The model has no input named '{name}'; its inputs are: {string.Join(", ", Inputs.Select(x => x.Name))}.", nameof(name));

    private int OutputIndex(string name) => outputIndex.TryGetValue(name, out var i) ? i
        : throw new ArgumentException($"The model has no output named '{name}'; its outputs are: {string.Join(", ", Outputs.Select(x => x.Name))}.", nameof(name));

    private static InferenceSession Create(SessionOptions options, Func<Microsoft.ML.OnnxRuntime.SessionOptions, OrtSession> createNative)
    {
        var environment = OrtEnvironment.Shared;
        var requested = options.Device;
        if (requested.Kind == DeviceKind.Cpu) return Build(options, Device.Cpu, null, createNative);
        if (requested.Kind == DeviceKind.Cuda)
        {
            if (!environment.HasCuda) throw NoCuda(environment, requested);
            return Build(options, requested, null, createNative);
        }
        // auto: CUDA when it works; otherwise CPU, and say why.
        if (!environment.HasCuda)
            return Build(options, Device.Cpu, $"running on CPU: the loaded ONNX Runtime ({environment.LibraryPath}) has no CUDA provider; reference Microsoft.ML.OnnxRuntime.Gpu.Linux, not the CPU-only Microsoft.ML.OnnxRuntime, to use a GPU.", createNative);
        if (CudaLibraries.Check().FirstMissing is { } missing)
            return Build(options, Device.Cpu, $"running on CPU: CUDA needs {missing.FileName}, which was not found; install {missing.InstalledBy} to use the GPU (analysis doctor lists what CUDA needs).", createNative);
        try
        {
            return Build(options, Device.Cuda(0), null, createNative);
        }
        catch (Exception e) when (e is IOrtError or DeviceUnavailableException)
        {
            return Build(options, Device.Cpu, $"CUDA could not be used ({e.Message}); running on CPU.", createNative);
        }
    }

    private static InferenceSession Build(SessionOptions options, Device device, string? note, Func<Microsoft.ML.OnnxRuntime.SessionOptions, OrtSession> createNative)
    {
        using var native = NativeSessionOptions.Create(options, device);
        var created = createNative(native);
        try
        {
            return new InferenceSession(created, device, note);
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    private static DeviceUnavailableException NoCuda(OrtEnvironment environment, Device requested) => new(
        $"Device {requested} was requested, but the loaded ONNX Runtime ({environment.LibraryPath}) has no CUDA provider (no {OrtEnvironment.CudaProviderLibrary} beside it); build against Microsoft.ML.OnnxRuntime.Gpu.Linux (the GPU build), keep the CPU-only Microsoft.ML.OnnxRuntime out of the dependencies, or use --device cpu or auto.");

    private static ValueMetadata[] Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        names.Select(name =>
        {
            var m = metadata[name];
            var kind = (ValueKind)(int)m.OnnxValueType;
            if (kind != ValueKind.Tensor) return new ValueMetadata(name, kind, TensorElementType.Undefined, []);
            var shape = new Dimension[m.Dimensions.Length];
            for (var d = 0; d < shape.Length; d++)
            {
                var symbol = m.SymbolicDimensions.Length > d ? m.SymbolicDimensions[d] : null;
                shape[d] = new Dimension(m.Dimensions[d], string.IsNullOrEmpty(symbol) ? null : symbol);
            }
            return new ValueMetadata(name, kind, (TensorElementType)(int)m.ElementDataType, shape);
        }).ToArray();
}

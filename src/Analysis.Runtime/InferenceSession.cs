using System.Buffers;
using System.Runtime.InteropServices;
using Analysis.Runtime.Native;

namespace Analysis.Runtime;

/// <summary>
/// A loaded model ready to run. Thread-safe: several threads may <see cref="Run"/> one session at once.
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    private readonly OrtHandle session;
    private readonly Utf8Strings inputNames;
    private readonly Utf8Strings outputNames;
    private readonly Dictionary<string, int> inputIndex;
    private readonly Dictionary<string, int> outputIndex;

    private InferenceSession(OrtHandle session, Device device, string? deviceNote)
    {
        this.session = session;
        Device = device;
        DeviceNote = deviceNote;
        Inputs = ReadMetadata(isInput: true);
        Outputs = ReadMetadata(isInput: false);
        inputNames = new Utf8Strings(Inputs.Select(i => i.Name).ToArray());
        outputNames = new Utf8Strings(Outputs.Select(o => o.Name).ToArray());
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
        return Create(options ?? SessionOptions.Default, nativeOptions =>
        {
            var utf8 = new Utf8Strings([path]);
            using (utf8)
            {
                nint created;
                OrtStatus.CheckModelLoad(OrtApi.CreateSession(OrtEnvironment.Shared.Handle, (byte*)utf8[0], nativeOptions, &created),
                    $"ONNX Runtime cannot load the model '{modelPath}'");
                return created;
            }
        });
    }

    /// <summary>Loads a model from its serialized bytes (a model with external data must be opened from its file instead).</summary>
    public static InferenceSession FromBytes(ReadOnlyMemory<byte> model, SessionOptions? options = null) =>
        Create(options ?? SessionOptions.Default, nativeOptions =>
        {
            using var pin = model.Pin();
            nint created;
            OrtStatus.CheckModelLoad(OrtApi.CreateSessionFromArray(OrtEnvironment.Shared.Handle, pin.Pointer, (nuint)model.Length, nativeOptions, &created),
                "ONNX Runtime cannot load the model from memory");
            return created;
        });

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> (by input name) and returns the outputs named in
    /// <paramref name="outputNames"/>, or all outputs when null. Dispose the results when done with them.
    /// </summary>
    public RunResults Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        var environment = OrtEnvironment.Shared;
        var outputCount = outputNames?.Count ?? Outputs.Count;
        var inputCount = inputs.Count;
        var inNames = ArrayPool<nint>.Shared.Rent(inputCount + 1);
        var inValues = ArrayPool<nint>.Shared.Rent(inputCount + 1);
        var outNames = ArrayPool<nint>.Shared.Rent(outputCount + 1);
        var outValues = ArrayPool<nint>.Shared.Rent(outputCount + 1);
        var leases = ArrayPool<OrtValueLease>.Shared.Rent(inputCount + 1);
        var leased = 0;
        // Pooled arrays hold stale pointers: clear before anything can throw, since the cleanup below releases non-zero ones.
        outValues.AsSpan(0, outputCount).Clear();
        try
        {
            for (var i = 0; i < outputCount; i++)
                outNames[i] = this.outputNames[outputNames is null ? i : OutputIndex(outputNames[i])];
            foreach (var (name, tensor) in inputs)
            {
                var index = InputIndex(name);
                leases[leased] = tensor.CreateValue(environment);
                inNames[leased] = inputNames[index];
                inValues[leased] = leases[leased].Pointer;
                leased++;
            }
            // Hold a reference so a concurrent Dispose cannot release the session under a running call.
            var added = false;
            session.DangerousAddRef(ref added);
            try
            {
                fixed (nint* pInNames = inNames, pInValues = inValues, pOutNames = outNames, pOutValues = outValues)
                {
                    OrtStatus.Check(OrtApi.Run(session.DangerousGetHandle(), 0, pInNames, pInValues, (nuint)inputCount, pOutNames, (nuint)outputCount, pOutValues),
                        "ONNX Runtime failed to run the model");
                }
            }
            finally
            {
                if (added) session.DangerousRelease();
            }
            var results = new NativeTensor[outputCount];
            var wrapped = 0;
            try
            {
                for (; wrapped < outputCount; wrapped++)
                {
                    var handle = new OrtHandle(outValues[wrapped], OrtApi.ReleaseValue);
                    outValues[wrapped] = 0;
                    results[wrapped] = NativeTensor.Wrap(handle, outputNames?[wrapped] ?? Outputs[wrapped].Name);
                }
            }
            catch
            {
                for (var i = 0; i < wrapped; i++) results[i].Dispose();
                throw;
            }
            return new RunResults(results);
        }
        finally
        {
            for (var i = 0; i < leased; i++) leases[i].Dispose();
            // Outputs ORT made but we did not wrap (an error part-way) are released here.
            for (var i = 0; i < outputCount; i++)
                if (outValues[i] != 0) OrtApi.ReleaseValue(outValues[i]);
            ArrayPool<nint>.Shared.Return(inNames);
            ArrayPool<nint>.Shared.Return(inValues);
            ArrayPool<nint>.Shared.Return(outNames);
            ArrayPool<nint>.Shared.Return(outValues);
            ArrayPool<OrtValueLease>.Shared.Return(leases, clearArray: true);
            GC.KeepAlive(this);
        }
    }

    /// <summary>An I/O binding for this session: bind inputs and outputs once, run many times.</summary>
    public IoBinding CreateBinding() => new(this);

    /// <summary>Releases the native session.</summary>
    public void Dispose()
    {
        session.Dispose();
        inputNames.Dispose();
        outputNames.Dispose();
    }

    internal nint Pointer => session.Pointer;

    /// <summary>The UTF-8 name of the input called <paramref name="name"/>; throws listing the real inputs when there is none.</summary>
    internal nint InputName(string name) => inputNames[InputIndex(name)];

    /// <summary>The UTF-8 name of the output called <paramref name="name"/>; throws listing the real outputs when there is none.</summary>
    internal nint OutputName(string name) => outputNames[OutputIndex(name)];

    private int InputIndex(string name) => inputIndex.TryGetValue(name, out var i) ? i
        : throw new ArgumentException($"The model has no input named '{name}'; its inputs are: {string.Join(", ", Inputs.Select(x => x.Name))}.", nameof(name));

    private int OutputIndex(string name) => outputIndex.TryGetValue(name, out var i) ? i
        : throw new ArgumentException($"The model has no output named '{name}'; its outputs are: {string.Join(", ", Outputs.Select(x => x.Name))}.", nameof(name));

    private static InferenceSession Create(SessionOptions options, Func<nint, nint> createNative)
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
            return Build(options, Device.Cpu, $"running on CPU: the loaded ONNX Runtime ({environment.LibraryPath}) is a CPU-only build without the CUDA provider; set {OrtEnvironment.LibraryVariable} to the GPU build of ONNX Runtime 1.30 to use a GPU.", createNative);
        try
        {
            return Build(options, Device.Cuda(0), null, createNative);
        }
        catch (Exception e) when (e is IOrtError or DeviceUnavailableException)
        {
            return Build(options, Device.Cpu, $"CUDA could not be used ({e.Message}); running on CPU.", createNative);
        }
    }

    private static InferenceSession Build(SessionOptions options, Device device, string? note, Func<nint, nint> createNative)
    {
        using var nativeOptions = NativeSessionOptions.Create(options, device);
        var handle = new OrtHandle(createNative(nativeOptions.Pointer), OrtApi.ReleaseSession);
        try
        {
            return new InferenceSession(handle, device, note);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static DeviceUnavailableException NoCuda(OrtEnvironment environment, Device requested) => new(
        $"Device {requested} was requested, but the loaded ONNX Runtime ({environment.LibraryPath}) is a CPU-only build (no libonnxruntime_providers_cuda.so beside it); set {OrtEnvironment.LibraryVariable} to libonnxruntime.so of the official GPU build of ONNX Runtime 1.30 (its folder must also hold libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so), or use --device cpu or auto.");

    private IReadOnlyList<ValueMetadata> ReadMetadata(bool isInput)
    {
        var environment = OrtEnvironment.Shared;
        var pointer = session.Pointer;
        nuint count;
        OrtStatus.Check(isInput ? OrtApi.SessionGetInputCount(pointer, &count) : OrtApi.SessionGetOutputCount(pointer, &count));
        var result = new ValueMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* rawName;
            OrtStatus.Check(isInput
                ? OrtApi.SessionGetInputName(pointer, i, environment.DefaultAllocator, &rawName)
                : OrtApi.SessionGetOutputName(pointer, i, environment.DefaultAllocator, &rawName));
            var name = Marshal.PtrToStringUTF8((nint)rawName) ?? "";
            environment.Free(rawName);
            nint typeInfo;
            OrtStatus.Check(isInput ? OrtApi.SessionGetInputTypeInfo(pointer, i, &typeInfo) : OrtApi.SessionGetOutputTypeInfo(pointer, i, &typeInfo));
            try
            {
                result[(int)i] = Describe(name, typeInfo);
            }
            finally
            {
                OrtApi.ReleaseTypeInfo(typeInfo);
            }
        }
        return result;
    }

    private static ValueMetadata Describe(string name, nint typeInfo)
    {
        ValueKind kind;
        OrtStatus.Check(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &kind));
        if (kind != ValueKind.Tensor) return new ValueMetadata(name, kind, TensorElementType.Undefined, []);
        nint tensorInfo; // owned by typeInfo
        OrtStatus.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        TensorElementType type;
        nuint rank;
        OrtStatus.Check(OrtApi.GetTensorElementType(tensorInfo, &type));
        OrtStatus.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank));
        var sizes = new long[(int)rank];
        var symbols = new nint[(int)rank];
        fixed (long* s = sizes)
        fixed (nint* y = symbols)
        {
            OrtStatus.Check(OrtApi.GetDimensions(tensorInfo, s, rank));
            OrtStatus.Check(OrtApi.GetSymbolicDimensions(tensorInfo, (byte**)y, rank));
        }
        var shape = new Dimension[(int)rank];
        for (var d = 0; d < shape.Length; d++)
        {
            var symbol = symbols[d] == 0 ? null : Marshal.PtrToStringUTF8(symbols[d]);
            shape[d] = new Dimension(sizes[d], string.IsNullOrEmpty(symbol) ? null : symbol);
        }
        return new ValueMetadata(name, kind, type, shape);
    }
}

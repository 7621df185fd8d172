using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Analysis.Runtime.Ort;

/// <summary>Builds ORT's session options from our <see cref="SessionOptions"/> and a concrete device.</summary>
internal static class NativeSessionOptions
{
    public static OrtSessionOptions Create(SessionOptions options, Device device)
    {
        if (options.IntraOpThreads < 0 || options.InterOpThreads < 0)
            throw new ArgumentException($"Thread counts must be 0 (ORT chooses) or more; got intra-op {options.IntraOpThreads}, inter-op {options.InterOpThreads}.", nameof(options));
        var native = new OrtSessionOptions();
        try
        {
            native.LogSeverityLevel = (OrtLoggingLevel)(int)OrtEnvironment.Shared.LogLevel;
            native.GraphOptimizationLevel = (Microsoft.ML.OnnxRuntime.GraphOptimizationLevel)(int)options.OptimizationLevel;
            if (options.IntraOpThreads > 0) native.IntraOpNumThreads = options.IntraOpThreads;
            if (options.InterOpThreads > 0) native.InterOpNumThreads = options.InterOpThreads;
            foreach (var (key, value) in options.ConfigEntries)
                OrtErrors.Call(() => native.AddSessionConfigEntry(key, value), $"Invalid session configuration entry '{key}'");
            native.EnableCpuMemArena = options.ReuseCpuMemory;
            native.EnableMemoryPattern = options.ReuseCpuMemory;
            if (options.OptimizedModelPath is { } optimized) native.OptimizedModelFilePath = optimized;
            if (device.Kind == DeviceKind.Cuda) AppendCuda(native, device.Index, options.CudaProviderOptions);
            return native;
        }
        catch
        {
            native.Dispose();
            throw;
        }
    }

    /// <summary>Adds the CUDA provider for device <paramref name="index"/>, first checking the libraries it needs are installed.</summary>
    internal static void AppendCuda(OrtSessionOptions native, int index, IReadOnlyDictionary<string, string>? extra = null)
    {
        var device = Device.Cuda(index);
        if (CudaLibraries.Check().FirstMissing is { } missing)
            throw new DeviceUnavailableException(CudaLibraries.Explain(device, missing));
        using var cuda = new OrtCUDAProviderOptions();
        try
        {
            var settings = new Dictionary<string, string>(extra ?? new Dictionary<string, string>()) { ["device_id"] = index.ToString(CultureInfo.InvariantCulture) };
            cuda.UpdateOptions(settings);
            native.AppendExecutionProvider_CUDA(cuda);
        }
        catch (OnnxRuntimeException e)
        {
            var error = OrtErrors.Translate(e, null);
            throw new DeviceUnavailableException(
                $"ONNX Runtime's CUDA provider cannot be used for {device} ({error.Message}); check the GPU and its driver (analysis doctor lists what is missing), or use --device cpu or auto.", error);
        }
    }
}

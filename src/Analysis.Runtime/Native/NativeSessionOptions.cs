namespace Analysis.Runtime.Native;

/// <summary>Builds ORT's <c>OrtSessionOptions</c> from our <see cref="SessionOptions"/> and a concrete device.</summary>
internal static unsafe class NativeSessionOptions
{
    public static OrtHandle Create(SessionOptions options, Device device)
    {
        if (options.IntraOpThreads < 0 || options.InterOpThreads < 0)
            throw new ArgumentException($"Thread counts must be 0 (ORT chooses) or more; got intra-op {options.IntraOpThreads}, inter-op {options.InterOpThreads}.", nameof(options));
        nint pointer;
        OrtStatus.Check(OrtApi.CreateSessionOptions(&pointer), "Could not create session options");
        var handle = new OrtHandle(pointer, OrtApi.ReleaseSessionOptions);
        try
        {
            OrtStatus.Check(OrtApi.SetSessionLogSeverityLevel(pointer, (int)OrtEnvironment.Shared.LogLevel));
            OrtStatus.Check(OrtApi.SetSessionGraphOptimizationLevel(pointer, (int)options.OptimizationLevel), "Invalid graph optimization level");
            if (options.IntraOpThreads > 0) OrtStatus.Check(OrtApi.SetIntraOpNumThreads(pointer, options.IntraOpThreads));
            if (options.InterOpThreads > 0) OrtStatus.Check(OrtApi.SetInterOpNumThreads(pointer, options.InterOpThreads));
            foreach (var (key, value) in options.ConfigEntries)
            {
                using var utf8 = new Utf8Strings([key, value]);
                OrtStatus.Check(OrtApi.AddSessionConfigEntry(pointer, (byte*)utf8[0], (byte*)utf8[1]), $"Invalid session configuration entry '{key}'");
            }
            if (device.Kind == DeviceKind.Cuda) AppendCuda(pointer, device.Index);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Adds the CUDA provider for device <paramref name="index"/> through the V2 provider options.</summary>
    internal static void AppendCuda(nint sessionOptions, int index)
    {
        nint cuda;
        var status = OrtApi.CreateCUDAProviderOptions(&cuda);
        if (status != 0) throw Unavailable(status, index);
        try
        {
            using var utf8 = new Utf8Strings(["device_id", index.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var key = utf8[0];
            var value = utf8[1];
            status = OrtApi.UpdateCUDAProviderOptions(cuda, (byte**)&key, (byte**)&value, 1);
            if (status != 0) throw Unavailable(status, index);
            status = OrtApi.SessionOptionsAppendExecutionProvider_CUDA_V2(sessionOptions, cuda);
            if (status != 0) throw Unavailable(status, index);
        }
        finally
        {
            OrtApi.ReleaseCUDAProviderOptions(cuda);
        }
    }

    private static DeviceUnavailableException Unavailable(nint status, int index)
    {
        var error = OrtStatus.ToException(status, null);
        return new DeviceUnavailableException(
            $"ONNX Runtime's CUDA provider cannot be used for cuda:{index} ({error.Message}); check the GPU, the CUDA and cuDNN libraries, and that {OrtEnvironment.LibraryVariable} points at the GPU build of ONNX Runtime 1.30.", error);
    }
}

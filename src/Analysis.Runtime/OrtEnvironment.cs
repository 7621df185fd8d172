using System.Runtime.InteropServices;
using Analysis.Runtime.Native;

namespace Analysis.Runtime;

/// <summary>
/// The process-wide ONNX Runtime: which native library is loaded, its version and execution providers, and the
/// one <c>OrtEnv</c> every session shares. Created on first use; call <see cref="Initialize"/> first to choose the
/// library or log level explicitly.
/// </summary>
public sealed unsafe class OrtEnvironment
{
    /// <summary>The environment variable that overrides which <c>libonnxruntime.so</c> is loaded (e.g. a GPU build).</summary>
    public const string LibraryVariable = "ANALYSIS_ORT_LIB";

    /// <summary>The execution provider name ORT lists when its CUDA provider is built in.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    private static readonly Lock Gate = new();
    private static OrtEnvironment? shared;

    private readonly OrtHandle env;
    private readonly OrtHandle cpuMemoryInfo;

    private OrtEnvironment(string libraryPath, string version, OrtLogLevel logLevel)
    {
        LibraryPath = libraryPath;
        Version = version;
        LogLevel = logLevel;
        nint pointer;
        var logId = "analysis"u8;
        fixed (byte* id = logId)
        {
            OrtStatus.Check(OrtApi.CreateEnv(logLevel, id, &pointer), "Could not create the ONNX Runtime environment");
        }
        env = new OrtHandle(pointer, OrtApi.ReleaseEnv);
        // Tensors over caller memory are described as plain CPU memory (device allocator, default memory type).
        OrtStatus.Check(OrtApi.CreateCpuMemoryInfo(0, 0, &pointer), "Could not describe CPU memory");
        cpuMemoryInfo = new OrtHandle(pointer, OrtApi.ReleaseMemoryInfo);
        OrtStatus.Check(OrtApi.GetAllocatorWithDefaultOptions(&pointer), "Could not get ONNX Runtime's CPU allocator");
        DefaultAllocator = pointer;
        AvailableProviders = ReadProviders();
    }

    /// <summary>The environment, loading the library on first use (explicit path, then <see cref="LibraryVariable"/>, then the bundled copy).</summary>
    public static OrtEnvironment Shared => Volatile.Read(ref shared) ?? Initialize();

    /// <summary>
    /// Loads ONNX Runtime from <paramref name="libraryPath"/> (or the default order when null) with the given log level.
    /// Only the first call has effect; a later call asking for a different library throws.
    /// </summary>
    public static OrtEnvironment Initialize(string? libraryPath = null, OrtLogLevel logLevel = OrtLogLevel.Fatal)
    {
        lock (Gate)
        {
            if (shared is not null)
            {
                if (libraryPath is not null && Path.GetFullPath(libraryPath) != shared.LibraryPath)
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already loaded from '{shared.LibraryPath}'; a process can load only one, so choose '{libraryPath}' before the first session is created.");
                return shared;
            }
            var path = OrtLibrary.Resolve(libraryPath, Environment.GetEnvironmentVariable(LibraryVariable));
            var version = OrtLibrary.Load(path);
            Volatile.Write(ref shared, new OrtEnvironment(path, version, logLevel));
            return shared;
        }
    }

    /// <summary>The full path of the loaded <c>libonnxruntime</c>.</summary>
    public string LibraryPath { get; }

    /// <summary>ORT's version string, e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>The log level sessions use.</summary>
    public OrtLogLevel LogLevel { get; }

    /// <summary>The execution providers compiled into the loaded library, e.g. "CPUExecutionProvider".</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>Whether the loaded library has the CUDA execution provider built in and its provider library beside it (the official GPU build does).</summary>
    public bool HasCuda => AvailableProviders.Contains(CudaProvider)
        // The npm CPU build lists the CUDA provider but ships no provider library; the GPU build has it beside the core.
        && File.Exists(Path.Combine(Path.GetDirectoryName(LibraryPath) ?? ".", "libonnxruntime_providers_cuda.so"));

    internal nint Handle => env.Pointer;

    internal nint CpuMemoryInfo => cpuMemoryInfo.Pointer;

    /// <summary>ORT's default CPU allocator: owned by ORT, never released.</summary>
    internal nint DefaultAllocator { get; }

    /// <summary>Frees memory ORT allocated with the default allocator (names, arrays it hands back).</summary>
    internal void Free(void* pointer)
    {
        if (pointer != null) OrtStatus.Check(OrtApi.AllocatorFree(DefaultAllocator, pointer));
    }

    private static string[] ReadProviders()
    {
        byte** names;
        int count;
        OrtStatus.Check(OrtApi.GetAvailableProviders(&names, &count), "Could not list ONNX Runtime's execution providers");
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++) result[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? "";
            return result;
        }
        finally
        {
            OrtStatus.Check(OrtApi.ReleaseAvailableProviders(names, count));
        }
    }
}

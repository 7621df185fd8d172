using Analysis.Runtime.Ort;
using Microsoft.ML.OnnxRuntime;

namespace Analysis.Runtime;

/// <summary>
/// The process-wide ONNX Runtime: its version and execution providers, where its library was loaded from, and the one
/// environment every session shares. Created on first use; call <see cref="Initialize"/> first to choose the log level.
/// </summary>
public sealed class OrtEnvironment
{
    /// <summary>The execution provider name ORT lists when its CUDA provider is built in.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>The CPU provider, always present.</summary>
    public const string CpuProvider = "CPUExecutionProvider";

    /// <summary>The file of ORT's CUDA provider, which the GPU build ships beside its core library.</summary>
    public const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    private static readonly Lock Gate = new();
    private static OrtEnvironment? shared;

    private OrtEnvironment(OrtEnv env, OrtLogLevel logLevel)
    {
        Env = env;
        LogLevel = logLevel;
        Version = env.GetVersionString();
        AvailableProviders = env.GetAvailableProviders();
        LibraryPath = LoadedLibraries.Find("libonnxruntime.so") ?? "libonnxruntime.so";
    }

    /// <summary>The environment, created on first use with ORT's logging limited to fatal errors.</summary>
    public static OrtEnvironment Shared => Volatile.Read(ref shared) ?? Initialize();

    /// <summary>
    /// Creates the environment with the given log level (ORT logs to stderr). Only the first call has effect; a later
    /// call asking for another level throws, since a process has one ORT environment.
    /// </summary>
    public static OrtEnvironment Initialize(OrtLogLevel logLevel = OrtLogLevel.Fatal)
    {
        lock (Gate)
        {
            if (shared is not null)
            {
                if (logLevel != shared.LogLevel && logLevel != OrtLogLevel.Fatal)
                    throw new InvalidOperationException(
                        $"ONNX Runtime's environment already exists with log level {shared.LogLevel}; choose {logLevel} before the first session is created.");
                return shared;
            }
            // Creating the environment ourselves, before any session, keeps ORT's default (Warning, to stderr) from applying.
            // Code that used the official API directly may have created it already; then that one is shared.
            var options = new EnvironmentCreationOptions { logId = "analysis", logLevel = (OrtLoggingLevel)(int)logLevel };
            var env = OrtEnv.IsCreated ? OrtEnv.Instance()
                : OrtErrors.Call(() => OrtEnv.CreateInstanceWithOptions(ref options), "Could not create the ONNX Runtime environment");
            Volatile.Write(ref shared, new OrtEnvironment(env, logLevel));
            return shared!;
        }
    }

    /// <summary>The full path of the loaded <c>libonnxruntime.so</c>.</summary>
    public string LibraryPath { get; }

    /// <summary>ORT's version string, e.g. "1.31.0".</summary>
    public string Version { get; }

    /// <summary>The log level sessions use.</summary>
    public OrtLogLevel LogLevel { get; }

    /// <summary>The execution providers compiled into the loaded library, e.g. "CUDAExecutionProvider", "CPUExecutionProvider".</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>Whether the loaded library has the CUDA provider built in and its provider library beside it (the GPU build does).</summary>
    public bool HasCuda => AvailableProviders.Contains(CudaProvider) && File.Exists(CudaProviderPath);

    /// <summary>Where the CUDA provider library is (or would be): beside the core library.</summary>
    public string CudaProviderPath => Path.Combine(Path.GetDirectoryName(LibraryPath) ?? ".", CudaProviderLibrary);

    internal OrtEnv Env { get; }
}

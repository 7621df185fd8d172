namespace Analysis.Runtime;

/// <summary>The requested device cannot be used with the loaded ONNX Runtime (e.g. CUDA with the CPU-only build).</summary>
public sealed class DeviceUnavailableException(string message, Exception? inner = null) : ArgumentException(message, inner);

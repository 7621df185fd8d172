namespace Analysis.Runtime;

/// <summary>Where a session runs.</summary>
public enum DeviceKind
{
    /// <summary>ONNX Runtime's CPU provider (MLAS).</summary>
    Cpu,
    /// <summary>ONNX Runtime's CUDA provider; needs the GPU build of ONNX Runtime.</summary>
    Cuda,
    /// <summary>CUDA when it works, otherwise CPU with a note saying why.</summary>
    Auto,
}

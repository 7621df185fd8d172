namespace Analysis.Runtime;

/// <summary>What kind of ONNX value an input, output or result is (<c>ONNXType</c> in the C API).</summary>
public enum ValueKind
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>A dense tensor: the only kind this binding creates and reads.</summary>
    Tensor = 1,
    /// <summary>A sequence of values.</summary>
    Sequence = 2,
    /// <summary>A map.</summary>
    Map = 3,
    /// <summary>An opaque value.</summary>
    Opaque = 4,
    /// <summary>A sparse tensor.</summary>
    SparseTensor = 5,
    /// <summary>An optional value.</summary>
    Optional = 6,
}

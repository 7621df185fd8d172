namespace Analysis.Runtime;

/// <summary>ONNX Runtime rejected an argument: an input's name, element type, shape or value, or an option.</summary>
public sealed class OrtArgumentException(OrtErrorCode code, string ortMessage, string message)
    : ArgumentException(message), IOrtError
{
    /// <inheritdoc/>
    public OrtErrorCode Code { get; } = code;

    /// <inheritdoc/>
    public string OrtMessage { get; } = ortMessage;
}

namespace Analysis.Runtime;

/// <summary>An exception that came from an ONNX Runtime error status: lets callers catch every ORT error in one place.</summary>
public interface IOrtError
{
    /// <summary>ORT's error code.</summary>
    OrtErrorCode Code { get; }

    /// <summary>ORT's own message, unchanged.</summary>
    string OrtMessage { get; }
}

namespace Analysis.Runtime;

/// <summary>The least severe ONNX Runtime log messages that are printed (ORT prints them to stderr).</summary>
public enum OrtLogLevel
{
    /// <summary>Everything.</summary>
    Verbose = 0,
    /// <summary>Informational messages and worse.</summary>
    Info = 1,
    /// <summary>Warnings and worse.</summary>
    Warning = 2,
    /// <summary>Errors and worse.</summary>
    Error = 3,
    /// <summary>Only fatal errors (the default: errors already reach callers as exceptions with ORT's message).</summary>
    Fatal = 4,
}

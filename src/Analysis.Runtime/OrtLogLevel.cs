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
    /// <summary>Errors and worse (the default: ORT's warnings are noise for users of this toolkit).</summary>
    Error = 3,
    /// <summary>Only fatal errors.</summary>
    Fatal = 4,
}

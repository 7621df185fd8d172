namespace Analysis.Runtime;

/// <summary>ONNX Runtime's error codes (<c>OrtErrorCode</c> in the C API).</summary>
public enum OrtErrorCode
{
    /// <summary>No error.</summary>
    Ok = 0,
    /// <summary>Generic failure.</summary>
    Fail = 1,
    /// <summary>An argument (input name, shape, type, option) is invalid.</summary>
    InvalidArgument = 2,
    /// <summary>A file does not exist.</summary>
    NoSuchFile = 3,
    /// <summary>No model is loaded.</summary>
    NoModel = 4,
    /// <summary>The inference engine failed.</summary>
    EngineError = 5,
    /// <summary>A kernel threw while running.</summary>
    RuntimeException = 6,
    /// <summary>The model is not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,
    /// <summary>A model is already loaded.</summary>
    ModelLoaded = 8,
    /// <summary>An operator, opset or type is not implemented.</summary>
    NotImplemented = 9,
    /// <summary>The graph is invalid.</summary>
    InvalidGraph = 10,
    /// <summary>An execution provider failed.</summary>
    ExecutionProviderFail = 11,
}

namespace Analysis.Runtime;

/// <summary>ONNX Runtime failed at run time (not the caller's fault as far as ORT can tell).</summary>
public class OrtException(OrtErrorCode code, string ortMessage, string message) : Exception(message), IOrtError
{
    /// <inheritdoc/>
    public OrtErrorCode Code { get; } = code;

    /// <inheritdoc/>
    public string OrtMessage { get; } = ortMessage;

    /// <summary>Whether the error code means the caller's input is wrong (model, names, shapes, values).</summary>
    public static bool IsBadInput(OrtErrorCode code) => code is OrtErrorCode.InvalidArgument or OrtErrorCode.NoSuchFile
        or OrtErrorCode.NoModel or OrtErrorCode.InvalidProtobuf or OrtErrorCode.InvalidGraph or OrtErrorCode.NotImplemented;

    /// <summary>The exception for an ORT error: a rejected model (missing, not ONNX, invalid graph, unsupported operator or
    /// opset) becomes an <see cref="InvalidDataException"/> whose inner exception is the <see cref="OrtException"/> with ORT's
    /// code; a rejected argument becomes <see cref="OrtArgumentException"/>; the rest <see cref="OrtException"/>.</summary>
    internal static Exception Create(OrtErrorCode code, string ortMessage, string? context)
    {
        var message = context is null ? ortMessage : $"{context}: {ortMessage}";
        return code switch
        {
            OrtErrorCode.InvalidArgument => new OrtArgumentException(code, ortMessage, message),
            _ when IsBadInput(code) => new InvalidDataException(message, new OrtException(code, ortMessage, message)),
            _ => new OrtException(code, ortMessage, message),
        };
    }
}

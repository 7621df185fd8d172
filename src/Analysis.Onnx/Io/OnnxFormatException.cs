namespace Analysis.Onnx;

/// <summary>
/// A model or hook map file is corrupt, truncated, or uses something this library cannot handle; the message names the
/// file and says how to fix it. Callers that tell bad input from bugs match this type.
/// </summary>
/// <remarks><see cref="InvalidDataException"/> is sealed, so this derives from <see cref="IOException"/>, as Parquet's format exception does.</remarks>
public sealed class OnnxFormatException(string message, Exception? inner = null) : IOException(message, inner);

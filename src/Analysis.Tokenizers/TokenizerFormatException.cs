namespace Analysis.Tokenizers;

/// <summary>
/// A tokenizer file is malformed or uses something this library does not support; the message names the file, the
/// component and its JSON path (also in <see cref="Exception.Data"/> under "Component" and "JsonPath").
/// </summary>
/// <remarks><see cref="InvalidDataException"/> is sealed, so this derives from <see cref="IOException"/>, as Parquet's format exception does.</remarks>
public sealed class TokenizerFormatException(string message, Exception? inner = null) : IOException(message, inner);

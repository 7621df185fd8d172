namespace Analysis.Tokenizers;

/// <summary>
/// Builds the error for a malformed or unsupported tokenizer file. <see cref="InvalidDataException"/> is sealed, so the
/// component and JSON path go into the message (and into <see cref="Exception.Data"/> under "Component" and "JsonPath").
/// </summary>
internal static class TokenizerFormatError
{
    public static InvalidDataException Create(string file, string component, string jsonPath, string problem, Exception? inner = null)
    {
        var e = new InvalidDataException($"{file}: {component} at {jsonPath}: {problem}.", inner);
        e.Data["Component"] = component;
        e.Data["JsonPath"] = jsonPath;
        return e;
    }
}

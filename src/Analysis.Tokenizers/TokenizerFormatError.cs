namespace Analysis.Tokenizers;

/// <summary>Builds the error for a malformed or unsupported tokenizer file, with its component and JSON path.</summary>
internal static class TokenizerFormatError
{
    public static TokenizerFormatException Create(string file, string component, string jsonPath, string problem, Exception? inner = null)
    {
        var e = new TokenizerFormatException($"{file}: {component} at {jsonPath}: {problem}.", inner);
        e.Data["Component"] = component;
        e.Data["JsonPath"] = jsonPath;
        return e;
    }
}

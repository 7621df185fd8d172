namespace Analysis.Tokenizers;

/// <summary>A token's span in the caller's original string: UTF-16 indices, <c>[Start, End)</c>; (0, 0) for inserted special tokens.</summary>
public readonly record struct TokenOffset(int Start, int End)
{
    /// <summary>Number of UTF-16 code units the token covers in the original string.</summary>
    public int Length => End - Start;
}

namespace Analysis.Tokenizers;

/// <summary>A token's span in the caller's original string: UTF-16 indices, <c>[Start, End)</c>; (0, 0) for inserted special tokens.</summary>
public readonly record struct TokenOffset(int Start, int End)
{
    /// <summary>Number of UTF-16 code units the token covers in the original string.</summary>
    public int Length => End - Start;
}

/// <summary>The result of encoding one text: ids, offsets into the original text, and which tokens the post-processor inserted.</summary>
public sealed record EncodedText(int[] Ids, TokenOffset[] Offsets, bool[] SpecialTokensMask)
{
    /// <summary>Number of tokens.</summary>
    public int Count => Ids.Length;

    /// <summary>The empty encoding.</summary>
    public static EncodedText Empty { get; } = new([], [], []);
}

namespace Analysis.Tokenizers;

/// <summary>The result of encoding one text: ids, offsets into the original text, and which tokens the post-processor inserted.</summary>
public sealed record EncodedText(int[] Ids, TokenOffset[] Offsets, bool[] SpecialTokensMask)
{
    /// <summary>Number of tokens.</summary>
    public int Count => Ids.Length;

    /// <summary>The empty encoding.</summary>
    public static EncodedText Empty { get; } = new([], [], []);
}

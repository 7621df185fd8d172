namespace Analysis.Tokenizers;

/// <summary>Which end of a sequence padding is added to or truncation removes tokens from.</summary>
public enum Side
{
    /// <summary>The end of the sequence (Hugging Face's default for both padding and truncation).</summary>
    Right,

    /// <summary>The start of the sequence.</summary>
    Left,
}

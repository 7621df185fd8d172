namespace Analysis.Tokenizers;

/// <summary>How <see cref="Tokenizer.EncodeBatch"/> truncates and pads.</summary>
/// <param name="MaxLength">Longest allowed sequence, special tokens included; null keeps every token.</param>
/// <param name="Truncation">Which end loses tokens when a text is longer than <paramref name="MaxLength"/>.</param>
/// <param name="Padding">Which end receives pad tokens.</param>
/// <param name="PadToMaxLength">Pad every row to <paramref name="MaxLength"/> instead of to the longest row.</param>
/// <param name="PadId">Id used for padding; null uses the tokenizer's pad token, else 0.</param>
/// <param name="AddSpecialTokens">Let the post-processor add BOS/EOS/[CLS]/[SEP] as the tokenizer is configured to.</param>
public sealed record BatchOptions(
    int? MaxLength = null,
    Side Truncation = Side.Right,
    Side Padding = Side.Right,
    bool PadToMaxLength = false,
    int? PadId = null,
    bool AddSpecialTokens = true);

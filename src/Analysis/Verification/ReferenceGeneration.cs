namespace Analysis.Verification;

/// <summary>A greedy continuation computed by the exporting framework: argmax at every step, full recomputation.</summary>
/// <param name="PromptIds">The prompt's token ids (with BOS if the tokenizer adds one).</param>
/// <param name="NewIds">The ids the framework generated after the prompt.</param>
/// <param name="MaxNewTokens">The step limit the framework used.</param>
/// <param name="StopIds">Ids that end generation (not included in <paramref name="NewIds"/>).</param>
/// <param name="Text">The decoded prompt + continuation, for people to read.</param>
public sealed record ReferenceGeneration(long[] PromptIds, long[] NewIds, int MaxNewTokens, long[] StopIds, string Text);

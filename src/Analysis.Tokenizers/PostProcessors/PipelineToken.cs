namespace Analysis.Tokenizers.PostProcessors;

/// <summary>A token on its way out of the pipeline: id, vocabulary string, original span, and whether the post-processor inserted it.</summary>
internal record struct PipelineToken(int Id, string Token, TokenOffset Offset, bool Special);

namespace Analysis.Generation;

/// <summary>Chooses the generation backend: models with a KV cache go through GenAI, others through the recompute loop.</summary>
public static class GenerationDispatch
{
    /// <summary>
    /// Generates with <paramref name="backend"/>; <see cref="GenerationBackend.Auto"/> uses GenAI for a model with a KV cache
    /// and falls back to the recompute loop, telling <paramref name="note"/> why, when GenAI cannot carry the request.
    /// </summary>
    /// <exception cref="BadInputException">GenAI was forced on a model or request it cannot run.</exception>
    public static GenerationResult Run(GenerationRequest request, GenerationBackend backend = GenerationBackend.Auto,
        Action<string>? note = null, Action<int>? onToken = null)
    {
        if (backend == GenerationBackend.Recompute) return Generator.Run(request, onToken);
        if (!File.Exists(request.Model)) throw new BadInputException($"The model '{request.Model}' does not exist; pass the path of an .onnx file.");
        try { return GenAiGenerator.Run(request, onToken); }
        catch (GenAiUnsupportedException e) when (backend == GenerationBackend.Auto)
        {
            if (!e.NoCache) note?.Invoke($"generating by recomputation instead of GenAI: {e.Message}.");
            return Generator.Run(request, onToken);
        }
        catch (GenAiUnsupportedException e)
        {
            throw new BadInputException($"--backend genai cannot run this request: {e.Message}; use --backend recompute.", e);
        }
    }
}

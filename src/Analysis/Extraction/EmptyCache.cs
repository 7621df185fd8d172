using Analysis.Onnx;
using Analysis.Runtime;

namespace Analysis.Extraction;

/// <summary>
/// The inputs by which a decoder exported with a KV cache (Optimum) takes its cache, filled for a run over whole sequences
/// with no cache: past_key_values.* as empty tensors (past length 0), and use_cache_branch (merged decoders) false, which
/// chooses the If branch without past.
/// </summary>
internal static class EmptyCache
{
    /// <summary>Whether this input belongs to the cache: a past key/value or the merged decoder's branch choice.</summary>
    public static bool Holds(string name) => IsPast(name) || name == OnnxModel.CacheBranchInput;

    /// <summary>The empty-cache value of <paramref name="input"/> for a batch of <paramref name="batch"/> rows.</summary>
    public static Tensor For(ValueMetadata input, int batch) =>
        input.Name == OnnxModel.CacheBranchInput ? NoCacheBranch(input) : EmptyPast(input, batch);

    private static bool IsPast(string name) =>
        name.StartsWith("past_key_values", StringComparison.Ordinal) || name.StartsWith("past.", StringComparison.Ordinal);

    /// <summary>A past key/value with no cached positions: [batch, heads, 0, head_dim] from the declared shape.</summary>
    private static Tensor EmptyPast(ValueMetadata input, int batch)
    {
        var shape = new long[input.Shape.Count];
        int dynamicSeen = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            var d = input.Shape[i];
            if (d.IsFixed) { shape[i] = d.Size; continue; }
            shape[i] = dynamicSeen++ == 0 ? batch : 0; // first free dim is the batch, the next the cached length
        }
        // The shape is declared by the model file: one with no free cached-length axis cannot be fed empty.
        if (shape.Aggregate(1L, (a, b) => b == 0 ? 0 : a) != 0)
            throw new BadInputException($"The model input '{input}' declares a fixed shape, so no empty cache fits it; export the decoder with a dynamic past sequence length (Optimum does).");
        if (input.ElementType == TensorElementType.Float16) return Tensor.Create(Array.Empty<Half>(), shape);
        return Tensor.Create(Array.Empty<float>(), shape);
    }

    /// <summary>False in the declared shape (Optimum declares bool [1]).</summary>
    private static Tensor NoCacheBranch(ValueMetadata input)
    {
        var shape = input.Shape.Select(d => d.IsFixed ? d.Size : 1L).ToArray();
        // One flag: a shape of more elements comes from a model file that is not an Optimum merged decoder.
        if (shape.Any(d => d != 1))
            throw new BadInputException($"The model input '{input}' should be one bool (Optimum declares bool [1]); re-export the merged decoder.");
        return Tensor.Create(new bool[1], shape);
    }
}

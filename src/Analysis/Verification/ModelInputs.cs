using Analysis.Extraction;
using Analysis.Runtime;

namespace Analysis.Verification;

/// <summary>
/// Builds runtime input tensors for a session from integer token data, in the element type each input declares. A KV
/// cache (Optimum exports) that the data does not give is filled empty: the logits are those of a whole-sequence run.
/// </summary>
internal static class ModelInputs
{
    /// <summary>Tensors for every session input, from <paramref name="values"/> by name; <paramref name="where"/> names the source in errors.</summary>
    public static Dictionary<string, Tensor> From(InferenceSession session, IReadOnlyDictionary<string, ReferenceInput> values, string where)
    {
        foreach (var name in values.Keys)
            if (!session.Inputs.Any(i => i.Name == name))
                throw new InvalidDataException($"{where} gives values for '{name}', which is not an input of the model (its inputs: {string.Join(", ", session.Inputs.Select(i => i.Name))}); the reference belongs to a different model.");
        var tensors = new Dictionary<string, Tensor>();
        foreach (var input in session.Inputs)
        {
            if (!values.ContainsKey(input.Name) && EmptyCache.Holds(input.Name) && values.TryGetValue("input_ids", out var ids))
            {
                tensors[input.Name] = EmptyCache.For(input, checked((int)ids.Shape[0]));
                continue;
            }
            if (!values.TryGetValue(input.Name, out var v))
                throw new InvalidDataException($"{where} has no values for the model input '{input.Name}'; the reference belongs to a different model or needs re-exporting.");
            tensors[input.Name] = Create(input, v.Data, v.Shape);
        }
        return tensors;
    }

    /// <summary>A batch of one sequence: input_ids, an all-ones attention_mask, zero token_type_ids, positions 0..n-1 and an empty cache where the model has them.</summary>
    public static Dictionary<string, Tensor> ForSequence(InferenceSession session, List<long> ids)
    {
        var tensors = new Dictionary<string, Tensor>();
        long[] shape = [1, ids.Count];
        foreach (var input in session.Inputs)
        {
            if (EmptyCache.Holds(input.Name))
            {
                tensors[input.Name] = EmptyCache.For(input, 1);
                continue;
            }
            var data = input.Name switch
            {
                "input_ids" => ids.ToArray(),
                "attention_mask" => Enumerable.Repeat(1L, ids.Count).ToArray(),
                "token_type_ids" => new long[ids.Count],
                "position_ids" => Enumerable.Range(0, ids.Count).Select(i => (long)i).ToArray(),
                _ => throw new ArgumentException($"The model input '{input.Name}' is not one greedy decoding can fill (input_ids, attention_mask, token_type_ids, position_ids, past_key_values.*, use_cache_branch)."),
            };
            tensors[input.Name] = Create(input, data, shape);
        }
        return tensors;
    }

    private static Tensor Create(ValueMetadata input, long[] data, long[] shape) => input.ElementType switch
    {
        TensorElementType.Int64 => Tensor.Create(data, shape),
        TensorElementType.Int32 => Tensor.Create(data.Select(x => checked((int)x)).ToArray(), shape),
        _ => throw new InvalidDataException($"The model input '{input.Name}' has element type {input.ElementType}; verify feeds integer token data (int64 or int32) only."),
    };
}

using Analysis.Runtime;

namespace Analysis.Verification;

/// <summary>Builds runtime input tensors for a session from integer token data, in the element type each input declares.</summary>
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
            if (!values.TryGetValue(input.Name, out var v))
                throw new InvalidDataException($"{where} has no values for the model input '{input.Name}'; the reference belongs to a different model or needs re-exporting.");
            tensors[input.Name] = Create(input, v.Data, v.Shape);
        }
        return tensors;
    }

    /// <summary>A batch of one sequence: input_ids, an all-ones attention_mask and zero token_type_ids where the model has them.</summary>
    public static Dictionary<string, Tensor> ForSequence(InferenceSession session, List<long> ids)
    {
        var tensors = new Dictionary<string, Tensor>();
        long[] shape = [1, ids.Count];
        foreach (var input in session.Inputs)
        {
            var data = input.Name switch
            {
                "input_ids" => ids.ToArray(),
                "attention_mask" => Enumerable.Repeat(1L, ids.Count).ToArray(),
                "token_type_ids" => new long[ids.Count],
                "position_ids" => Enumerable.Range(0, ids.Count).Select(i => (long)i).ToArray(),
                _ => throw new ArgumentException($"The model input '{input.Name}' is not one greedy decoding can fill (input_ids, attention_mask, token_type_ids, position_ids)."),
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

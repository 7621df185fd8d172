using Analysis.Runtime;

namespace Analysis.Extraction;

/// <summary>
/// Fills a language model's inputs for a right-padded batch: input_ids, attention_mask, token_type_ids (zeros),
/// position_ids (0..n-1 per row), and for exports with a KV cache (Optimum) an empty cache: past key/value tensors of
/// past length 0 and use_cache_branch = false (<see cref="EmptyCache"/>). Any other input is refused up front with its name.
/// </summary>
public sealed class ModelInputs
{
    private readonly IReadOnlyList<ValueMetadata> inputs;

    /// <summary>Checks that every input of the model is one this class knows how to fill.</summary>
    public ModelInputs(IReadOnlyList<ValueMetadata> inputs)
    {
        this.inputs = inputs;
        if (!inputs.Any(i => i.Name == "input_ids"))
            throw new ArgumentException($"The model has no 'input_ids' input (its inputs: {string.Join(", ", inputs.Select(i => i.Name))}); export it with the token ids input named input_ids.");
        foreach (var input in inputs)
            if (Kind(input.Name) is null)
                throw new ArgumentException($"The model input '{input}' is not one the extractor can fill (input_ids, attention_mask, token_type_ids, position_ids, past_key_values.*, use_cache_branch).");
    }

    /// <summary>The input tensors for <paramref name="rows"/> token sequences padded on the right with <paramref name="padId"/> to <paramref name="length"/>.</summary>
    public Dictionary<string, Tensor> Build(IReadOnlyList<int[]> rows, int length, long padId)
    {
        int batch = rows.Count;
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        var positions = new long[batch * length];
        Array.Fill(ids, padId);
        for (int b = 0; b < batch; b++)
        {
            var row = rows[b];
            for (int t = 0; t < row.Length; t++)
            {
                ids[b * length + t] = row[t];
                mask[b * length + t] = 1;
                positions[b * length + t] = t;
            }
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            result[input.Name] = Kind(input.Name) switch
            {
                "ids" => Tensor.Create(ids, batch, length),
                "mask" => Typed(mask, input.ElementType, batch, length),
                "types" => Typed(new long[batch * length], input.ElementType, batch, length),
                "positions" => Typed(positions, input.ElementType, batch, length),
                _ => EmptyCache.For(input, batch),
            };
        }
        return result;
    }

    private static string? Kind(string name) => name switch
    {
        "input_ids" => "ids",
        "attention_mask" => "mask",
        "token_type_ids" => "types",
        "position_ids" => "positions",
        _ when EmptyCache.Holds(name) => "cache",
        _ => null,
    };

    // Masks and ids are int64 in most exports; some use int32 or float. Tensor.Create<long> would mismatch those.
    private static Tensor Typed(long[] values, TensorElementType type, int batch, int length) => type switch
    {
        TensorElementType.Int32 => Tensor.Create(values.Select(v => (int)v).ToArray(), batch, length),
        TensorElementType.Float => Tensor.Create(values.Select(v => (float)v).ToArray(), batch, length),
        TensorElementType.Bool => Tensor.Create(values.Select(v => v != 0).ToArray(), batch, length),
        _ => Tensor.Create(values, batch, length),
    };
}

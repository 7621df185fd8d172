using Analysis.Runtime;

namespace Analysis.Extraction;

/// <summary>
/// The one place that turns token ids into a language model's input tensors, each in the element type the model
/// declares for it (input_ids is int64 in most exports and int32 in some; masks are also float or bool). For a
/// right-padded batch it fills input_ids, attention_mask, token_type_ids (zeros), position_ids (0..n-1 per row), and for
/// exports with a KV cache (Optimum) an empty cache: past key/value tensors of past length 0 and use_cache_branch = false
/// (<see cref="EmptyCache"/>). Any other input, or an input of a type token data cannot take, is refused up front by name.
/// </summary>
public sealed class ModelInputs
{
    private readonly IReadOnlyList<ValueMetadata> _inputs;

    /// <summary>Checks that every input of the model is one this class knows how to fill, in a type it can fill it with.</summary>
    public ModelInputs(IReadOnlyList<ValueMetadata> inputs)
    {
        _inputs = inputs;
        if (!inputs.Any(i => i.Name == "input_ids"))
            throw new BadInputException($"The model has no 'input_ids' input (its inputs: {string.Join(", ", inputs.Select(i => i.Name))}); export it with the token ids input named input_ids.");
        foreach (var input in inputs)
        {
            var kind = Kind(input.Name)
                ?? throw new BadInputException($"The model input '{input}' is not one the extractor can fill (input_ids, attention_mask, token_type_ids, position_ids, past_key_values.*, use_cache_branch).");
            if (kind != "cache" && !Accepts(kind, input.ElementType))
                throw new BadInputException($"The model input '{input.Name}' has element type {input.ElementType}; token inputs must be int64 or int32 (masks may also be float or bool), so re-export the model with integer ids.");
        }
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
        foreach (var input in _inputs)
        {
            result[input.Name] = Kind(input.Name) switch
            {
                "ids" => Typed(input, ids, batch, length),
                "mask" => Typed(input, mask, batch, length),
                "types" => Typed(input, new long[batch * length], batch, length),
                "positions" => Typed(input, positions, batch, length),
                _ => EmptyCache.For(input, batch),
            };
        }
        return result;
    }

    /// <summary>The input tensors for one unpadded sequence of token ids (a batch of one).</summary>
    public Dictionary<string, Tensor> Build(IReadOnlyList<long> ids) =>
        Build([ids.Select(id => checked((int)id)).ToArray()], ids.Count, padId: 0);

    /// <summary>
    /// <paramref name="values"/> (integer token data: ids, a mask, positions) as a tensor of <paramref name="input"/>'s
    /// declared element type and the given shape.
    /// </summary>
    public static Tensor Typed(ValueMetadata input, long[] values, params long[] shape) => input.ElementType switch
    {
        TensorElementType.Int64 => Tensor.Create(values, shape),
        TensorElementType.Int32 => Tensor.Create(values.Select(v => checked((int)v)).ToArray(), shape),
        TensorElementType.Float => Tensor.Create(values.Select(v => (float)v).ToArray(), shape),
        TensorElementType.Bool => Tensor.Create(values.Select(v => v != 0).ToArray(), shape),
        _ => throw new BadInputException($"The model input '{input.Name}' has element type {input.ElementType}; token data can be fed as int64, int32, float or bool only, so re-export the model with integer ids."),
    };

    /// <summary>Whether this input is a past key/value or the merged decoder's branch choice, which <see cref="Build(IReadOnlyList{int[]}, int, long)"/> fills empty.</summary>
    public static bool IsCache(string name) => EmptyCache.Holds(name);

    /// <summary>The empty-cache value of a cache input (<see cref="IsCache"/>) for a batch of <paramref name="batch"/> rows.</summary>
    public static Tensor EmptyCacheFor(ValueMetadata input, int batch) => EmptyCache.For(input, batch);

    private static string? Kind(string name) => name switch
    {
        "input_ids" => "ids",
        "attention_mask" => "mask",
        "token_type_ids" => "types",
        "position_ids" => "positions",
        _ when EmptyCache.Holds(name) => "cache",
        _ => null,
    };

    // Ids and positions index tables, so only integers; a mask is multiplied or compared, and some exports take it as float or bool.
    private static bool Accepts(string kind, TensorElementType type) => type switch
    {
        TensorElementType.Int64 or TensorElementType.Int32 => true,
        TensorElementType.Float or TensorElementType.Bool => kind == "mask",
        _ => false,
    };
}

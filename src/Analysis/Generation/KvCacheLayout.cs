using System.Text.RegularExpressions;
using Analysis.Onnx;

namespace Analysis.Generation;

/// <summary>
/// A decoder's KV cache as its graph signature shows it (Optimum's layout): inputs <c>past_key_values.N.key</c>/<c>.value</c>
/// (or <c>past.N.key</c>) [batch, kv_heads, past, head_size] and outputs <c>present.N.key</c>/<c>.value</c>, one pair per layer.
/// </summary>
/// <param name="Layers">How many layers carry a cache.</param>
/// <param name="KvHeads">Key/value heads (axis 1 of a past input).</param>
/// <param name="HeadSize">Head size (axis 3 of a past input).</param>
/// <param name="PastKeyNames">The past key inputs as a pattern with <c>%d</c> for the layer, e.g. <c>past_key_values.%d.key</c>.</param>
/// <param name="PastValueNames">The past value inputs' pattern.</param>
/// <param name="PresentKeyNames">The present key outputs' pattern.</param>
/// <param name="PresentValueNames">The present value outputs' pattern.</param>
/// <param name="HasPositionIds">Whether the graph takes <c>position_ids</c>.</param>
/// <param name="HasCacheBranch">Whether it is an Optimum merged decoder (input <c>use_cache_branch</c>).</param>
public sealed partial record KvCacheLayout(int Layers, int KvHeads, int HeadSize, string PastKeyNames, string PastValueNames,
    string PresentKeyNames, string PresentValueNames, bool HasPositionIds, bool HasCacheBranch)
{
    [GeneratedRegex(@"^(?<prefix>past_key_values|past)\.(?<layer>\d+)\.(?<kind>key|value)$")]
    private static partial Regex PastInput();

    [GeneratedRegex(@"^(?<prefix>present)\.(?<layer>\d+)\.(?<kind>key|value)$")]
    private static partial Regex PresentOutput();

    /// <summary>The model's cache layout, or null when its signature has no past key/value inputs (a plain decoder).</summary>
    /// <exception cref="BadInputException">Past inputs that do not form a complete, consistent cache.</exception>
    public static KvCacheLayout? Find(OnnxModel model)
    {
        var inputs = model.Graph.Input.Select(i => i.Name).ToList();
        var outputs = model.Graph.Output.Select(o => o.Name).ToList();
        var past = inputs.Select(n => PastInput().Match(n)).Where(m => m.Success).ToList();
        if (past.Count == 0) return null;
        var present = outputs.Select(n => PresentOutput().Match(n)).Where(m => m.Success).ToList();
        var prefix = past[0].Groups["prefix"].Value;
        var layers = past.Select(m => int.Parse(m.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count();
        string Name(string p, int layer, string kind) => $"{p}.{layer}.{kind}";
        for (var l = 0; l < layers; l++)
            foreach (var kind in new[] { "key", "value" })
            {
                if (!inputs.Contains(Name(prefix, l, kind)))
                    throw new BadInputException($"'{model.Name}' has past inputs but no '{Name(prefix, l, kind)}'; its KV cache is not one input pair per layer 0..{layers - 1}, which generation with a cache needs.");
                if (!outputs.Contains(Name("present", l, kind)) || present.Count != 2 * layers)
                    throw new BadInputException($"'{model.Name}' has past inputs but its outputs are not present.N.key/value for layers 0..{layers - 1}; export it with its present outputs (Optimum's with-past layout).");
            }

        var type = model.InferTypes()[Name(prefix, 0, "key")];
        if (type.Shape is not { Count: 4 } shape || shape[1].Value is not { } kvHeads || shape[3].Value is not { } headSize)
            throw new BadInputException($"The past input '{Name(prefix, 0, "key")}' of '{model.Name}' has shape {type.ShapeText}; a KV cache input must be [batch, kv_heads, past, head_size] with fixed heads and head size.");
        return new KvCacheLayout(layers, checked((int)kvHeads), checked((int)headSize),
            $"{prefix}.%d.key", $"{prefix}.%d.value", "present.%d.key", "present.%d.value",
            inputs.Contains("position_ids"), inputs.Contains(OnnxModel.CacheBranchInput));
    }
}

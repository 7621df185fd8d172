namespace Analysis.Onnx;

/// <summary>
/// The per-head outputs of one attention branch before the output projection mixes them: a [batch, positions, heads·headDim]
/// (or [batch·positions, heads·headDim]) tensor in which head h owns channels [h·headDim, (h+1)·headDim). TransformerLens
/// calls it <c>blocks.L.attn.hook_z</c> (there of shape [.., heads, headDim]); ablating a head replaces its channels.
/// </summary>
/// <param name="Tensor">The output projection's activation input.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="HeadDim">Channels per head.</param>
public sealed record HeadOutputs(string Tensor, int Heads, int HeadDim)
{
    /// <summary>The canonical name of a block's per-head outputs.</summary>
    public static string HookName(int layer) => $"blocks.{layer}.attn.hook_z";

    /// <summary>
    /// Finds them from the structure: walking back from the attention branch output (<c>hook_attn_out</c>) through bias
    /// adds and reshapes to the last matrix product (the output projection), whose non-weight input is the head outputs;
    /// the head count is the attention pattern's axis 1 ([batch, heads, query, key]).
    /// </summary>
    public static HeadOutputs Find(OnnxModel model, string attnOut, string pattern, TensorTypeResolver? resolver = null)
    {
        var g = new GraphView(model.Graph, model.InferTypes(resolver));
        var t = attnOut;
        for (var guard = 0; guard < 16; guard++)
        {
            var p = g.Producer(t);
            if (p is null) break;
            if (p.OpType is "MatMul" or "Gemm")
            {
                var z = g.IsConstant(p.Input[0]) ? p.Input[1] : p.Input[0];
                var width = g.Types.Find(z)?.Shape?[^1].Value;
                var heads = g.Types.Find(pattern)?.Shape is { Count: 4 } s ? s[1].Value : null;
                if (width is null || heads is null || heads <= 0 || width % heads != 0)
                    throw new ArgumentException($"The attention output projection '{p.Name}' reads '{z}' of width {width?.ToString() ?? "?"} and the pattern '{pattern}' has {heads?.ToString() ?? "?"} heads; head outputs need a static width divisible by the head count.");
                return new HeadOutputs(z, (int)heads, (int)(width / heads));
            }
            if (GraphView.IsNoise(p) || p.OpType is "Reshape" or "Flatten") { t = p.Input[0]; continue; }
            if (p.OpType == "Add" && p.Input.Count == 2 && (g.IsConstant(p.Input[0]) || g.IsConstant(p.Input[1])))
            {
                t = g.IsConstant(p.Input[0]) ? p.Input[1] : p.Input[0];
                continue;
            }
            break;
        }
        throw NoProjection(attnOut);
    }

    private static ArgumentException NoProjection(string attnOut) => new(
        $"The attention branch output '{attnOut}' does not come from an output projection (a matrix product) through bias adds and reshapes, so its per-head outputs cannot be found; fused attention keeps them inside one operator.");
}

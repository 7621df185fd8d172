using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>
/// A model's "finish": the part from the residual stream's last tensor through the final norm to the logits output
/// (final norm, then the unembedding, tied or not). The logit lens applies it to earlier layers' residual streams.
/// </summary>
/// <param name="ResidualHook">The canonical hook of the finish's input, the last block's <c>hook_resid_post</c>.</param>
/// <param name="Residual">The tensor the final norm reads: the end of the residual stream.</param>
/// <param name="Normalized">The final norm's output (<c>ln_final.hook_normalized</c>).</param>
/// <param name="Logits">The graph output computed from the final norm's output.</param>
public sealed record ModelFinish(string ResidualHook, string Residual, string Normalized, string Logits)
{
    /// <summary>The finish cut out of <paramref name="model"/> as a small model: input <see cref="Residual"/>, output <see cref="Logits"/>.</summary>
    public OnnxModel Cut(OnnxModel model) => model.ExtractSubgraph([Residual], [Logits]);

    /// <summary>
    /// Finds the finish from the discovered hooks (structure, never tensor names): the final norm discovery found, the
    /// stream tensor it reads, and the graph output its output reaches. Null, with <paramref name="reason"/> saying why in
    /// one sentence, when the model has no final norm (post-norm models such as BERT) or no output computed from it.
    /// </summary>
    public static ModelFinish? Find(OnnxModel model, HookMap hooks, out string reason)
    {
        reason = "";
        var normalized = hooks.Find(HookNames.FinalNormalized);
        if (normalized is null)
        {
            var why = hooks.Unavailable.FirstOrDefault(u => u.Name == HookNames.FinalNormalized || u.Name == "*")?.Reason ?? "discovery found none";
            reason = $"'{model.Name}' has no final norm ({why.TrimEnd('.')}), so it has no finish to apply to earlier layers.";
            return null;
        }
        var last = hooks.Hooks.LastOrDefault(h => h.Name.StartsWith("blocks.", StringComparison.Ordinal) && h.Name.EndsWith(".hook_resid_post", StringComparison.Ordinal));
        if (last is null)
        {
            reason = $"'{model.Name}' has no hook_resid_post for its last block, so the final norm's input is not a tensor the finish can start from.";
            return null;
        }

        // The graph outputs the final norm's output reaches, walking consumers forward in the main graph.
        var index = new GraphIndex(model.Graph);
        var reached = new HashSet<string>(StringComparer.Ordinal) { normalized };
        var pending = new Stack<string>([normalized]);
        while (pending.TryPop(out var t))
            foreach (var node in index.ConsumersOf(t))
                foreach (var o in node.Output.Where(o => o.Length > 0))
                    if (reached.Add(o)) pending.Push(o);
        var types = model.InferTypes();
        var logits = model.Graph.Output.Select(o => o.Name)
            .Where(o => reached.Contains(o) && types.Find(o)?.ElementType is TensorProto.Types.DataType.Float)
            .OrderByDescending(o => types.Find(o)?.Shape?.Count == 3)
            .FirstOrDefault();
        if (logits is null)
        {
            reason = $"'{model.Name}' has no float graph output computed from its final norm (its outputs: {string.Join(", ", model.Graph.Output.Select(o => o.Name))}), so there are no logits to read a lens from.";
            return null;
        }
        return new ModelFinish(last.Name, last.Tensor, normalized, logits);
    }
}

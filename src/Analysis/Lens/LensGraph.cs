using Analysis.Extraction;
using Analysis.Onnx;

namespace Analysis.Lens;

/// <summary>
/// The model with the lens built in: for each chosen residual-stream hook, a copy of the model's own finish (final norm
/// and unembedding, its weights shared, not copied) reads that hook's tensor, and <see cref="LensStatisticsHead"/> turns
/// the logits into per-token statistics; the last block's finish is the model's own logits. Only the statistics are
/// graph outputs. Cached by model content, hook map and hooks, like the hooked graphs extraction runs.
/// </summary>
internal sealed record LensGraph(string Path, ModelFinish Finish, List<LensGraphLayer> Layers, long? Vocab, string? BranchNote, string Structure)
{
    /// <summary>Builds (or finds in the cache) the lens graph of <paramref name="modelPath"/> for the hooks the patterns name.</summary>
    public static LensGraph Prepare(string modelPath, IReadOnlyList<string> patterns, string? hookMapPath)
    {
        var cache = DerivedGraphCache.For("lens", 2, modelPath, hookMapPath, patterns);
        if (cache.TryLoad<LensGraph>() is { } known) return known with { Path = cache.GraphPath };

        var (model, branch, map) = DerivedGraphCache.Open(modelPath, hookMapPath);
        var (finish, hooks, types) = Resolve(model, map, patterns);

        var finishModel = Cut(model, finish);
        var head = LensStatisticsHead.Build(model.Opset);
        var layers = new List<LensGraphLayer>();
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var l = 0; l < hooks.Count; l++)
        {
            var hook = hooks[l];
            var logits = hook.Tensor == finish.Residual ? finish.Logits
                : model.Append(finishModel, new Dictionary<string, string> { [finish.Residual] = hook.Tensor }, $"lens/{l}/finish/", shareInitializers: true)[finish.Logits];
            var connections = new Dictionary<string, string>(shared) { [LensStatisticsHead.Logits] = logits, [LensStatisticsHead.FinalLogits] = finish.Logits };
            var outputs = model.Append(head, connections, $"lens/{l}/");
            foreach (var input in new[] { LensStatisticsHead.NextIds, LensStatisticsHead.SetMatrix, LensStatisticsHead.TopK }) shared[input] = input;
            layers.Add(new LensGraphLayer(hook.Name, hook.Tensor, LensStatisticsHead.Outputs.ToDictionary(o => o, o => outputs[o])));
        }
        model.KeepOutputs(layers.SelectMany(l => l.Outputs.Values).ToList());
        model.Save(cache.GraphPath);
        var graph = new LensGraph(cache.GraphPath, finish, layers, types.Find(finish.Logits)?.Shape?[^1].Value, branch?.Describe(), map.Structure);
        cache.SaveDescription(graph);
        return graph;
    }

    /// <summary>The model's finish and the residual-stream hooks the patterns name, the finish's own input always among them (last when the patterns do not name it).</summary>
    internal static (ModelFinish Finish, List<HookPoint> Hooks, TensorTypes Types) Resolve(OnnxModel model, HookMap map, IReadOnlyList<string> patterns)
    {
        var finish = ModelFinish.Find(model, map, out var reason) ?? throw new BadInputException(reason);
        List<HookPoint> hooks;
        try { hooks = map.Resolve(patterns).ToList(); }
        catch (ArgumentException e) { throw new BadInputException(e.Message, e); }
        if (!hooks.Any(h => h.Tensor == finish.Residual)) hooks.Add(new HookPoint(finish.ResidualHook, finish.Residual));

        var types = model.InferTypes();
        var width = types.Find(finish.Residual)?.Shape?[^1];
        foreach (var h in hooks)
            if (types.Find(h.Tensor) is not { Shape.Count: 3 } t || t.Shape[^1].Value != width?.Value)
                throw new BadInputException($"Hook '{h.Name}' is not a residual-stream tensor ([batch, tokens, {width}]) but {types.Find(h.Tensor)?.ShapeText ?? "of unknown shape"}; the lens reads residual-stream hooks such as 'blocks.*.hook_resid_post'.");
        return (finish, hooks, types);
    }

    /// <summary>The finish cut out as a small model (input: the residual stream, output: the logits).</summary>
    internal static OnnxModel Cut(OnnxModel model, ModelFinish finish)
    {
        try { return finish.Cut(model); }
        catch (ArgumentException e)
        {
            throw new BadInputException($"The finish of '{model.Name}' (from '{finish.Residual}' to '{finish.Logits}') cannot be cut out on its own: {e.Message.TrimEnd('.')}.", e);
        }
    }
}

/// <summary>One layer of the lens graph: its hook and the graph outputs of its statistics (by <see cref="LensStatisticsHead"/> name).</summary>
internal sealed record LensGraphLayer(string Hook, string Tensor, Dictionary<string, string> Outputs);

using Analysis.Extraction;
using Analysis.Onnx;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Lens;

/// <summary>The cached finish-and-statistics model of <see cref="StepLens"/>: input the residual stream [layers, 1, width].</summary>
internal sealed record StepLensGraph(string Path, List<string> Hooks, Dictionary<string, string> Outputs, string ResidualHook, string Residual, string Logits, int Width, int Vocab)
{
    private const string FinalRow = "final_row";

    /// <summary>Builds (or finds in the cache) the graph for the hooks the patterns name.</summary>
    public static StepLensGraph Prepare(string modelPath, IReadOnlyList<string> patterns, string? hookMapPath)
    {
        var cache = DerivedGraphCache.For("step-lens", 1, modelPath, hookMapPath, patterns);
        if (cache.TryLoad<StepLensGraph>() is { } known) return known with { Path = cache.GraphPath };

        var (model, _, map) = DerivedGraphCache.Open(modelPath, hookMapPath);
        var (finish, hooks, types) = LensGraph.Resolve(model, map, patterns);
        if (types.Find(finish.Residual)?.Shape?[^1].Value is not { } width || types.Find(finish.Logits)?.Shape?[^1].Value is not { } vocab)
            throw new BadInputException($"The residual stream or the logits of '{model.Name}' have no fixed last axis, so the lens cannot size its rows; re-export the model with static hidden and vocabulary sizes.");
        var finishModel = LensGraph.Cut(model, finish);
        // The final layer's logits are the last row, broadcast against every row in the statistics.
        var lastRow = new GraphBuilder((int)model.Opset, "last_row")
            .Input("all", DataType.Float, "layers", "tokens", "vocab")
            .Initializer("starts", [-1L], 1).Initializer("ends", [long.MaxValue], 1).Initializer("axes", [0L], 1)
            .Node("Slice", ["all", "starts", "ends", "axes"], [FinalRow])
            .Output(FinalRow)
            .Build();
        var final = finishModel.Append(lastRow, new Dictionary<string, string> { ["all"] = finish.Logits }, "lens/final/")[FinalRow];
        var outputs = finishModel.Append(LensStatisticsHead.Build(model.Opset),
            new Dictionary<string, string> { [LensStatisticsHead.Logits] = finish.Logits, [LensStatisticsHead.FinalLogits] = final }, "lens/");
        finishModel.KeepOutputs(outputs.Values.ToList());
        finishModel.Save(cache.GraphPath);
        var graph = new StepLensGraph(cache.GraphPath, hooks.Select(h => h.Name).ToList(), outputs.ToDictionary(), finish.ResidualHook, finish.Residual, finish.Logits,
            checked((int)width), checked((int)vocab));
        cache.SaveDescription(graph);
        return graph;
    }
}

using Analysis.Extraction;
using Analysis.Runtime;

namespace Analysis.Tests.Extraction;

public class ModelInputsTests
{
    private static ValueMetadata Input(string name, TensorElementType type, params Dimension[] shape) => new(name, ValueKind.Tensor, type, shape);

    /// <summary>An Optimum-style decoder signature: ids, mask, positions, and a KV cache that starts empty (real graphs: OptimumExportTests).</summary>
    [Fact]
    public void FillsRightPaddedIdsMaskPositionsAndEmptyPastForOptimumExports()
    {
        var inputs = new ModelInputs(
        [
            Input("input_ids", TensorElementType.Int64, new(-1, "batch"), new(-1, "sequence")),
            Input("attention_mask", TensorElementType.Int64, new(-1, "batch"), new(-1, "total")),
            Input("position_ids", TensorElementType.Int64, new(-1, "batch"), new(-1, "sequence")),
            Input("token_type_ids", TensorElementType.Int32, new(-1, "batch"), new(-1, "sequence")),
            Input("past_key_values.0.key", TensorElementType.Float, new(-1, "batch"), new(4), new(-1, "past"), new(16)),
            Input("past_key_values.0.value", TensorElementType.Float16, new(-1, "batch"), new(4), new(-1, "past"), new(16)),
            Input("use_cache_branch", TensorElementType.Bool, new Dimension(1)),
        ]);
        var built = inputs.Build([[5, 6, 7], [8]], 3, padId: 0);

        Assert.Equal([2L, 3L], built["input_ids"].Shape);
        Assert.Equal([2L, 4L, 0L, 16L], built["past_key_values.0.key"].Shape);
        Assert.Equal(TensorElementType.Float16, built["past_key_values.0.value"].ElementType);
        Assert.Equal(TensorElementType.Int32, built["token_type_ids"].ElementType);
        // A merged decoder's branch choice: false, the branch without past.
        Assert.Equal(TensorElementType.Bool, built["use_cache_branch"].ElementType);
        Assert.Equal([1L], built["use_cache_branch"].Shape);

        // Run the filled inputs through an identity graph to read back exactly what the model would see.
        var model = IdentityModel(["input_ids", "attention_mask", "position_ids"]);
        using var session = InferenceSession.FromBytes(model);
        using var results = session.Run(new Dictionary<string, Tensor> { ["input_ids"] = built["input_ids"], ["attention_mask"] = built["attention_mask"], ["position_ids"] = built["position_ids"] });
        Assert.Equal([5L, 6, 7, 8, 0, 0], results["input_ids_out"].ToArray<long>());
        Assert.Equal([1L, 1, 1, 1, 0, 0], results["attention_mask_out"].ToArray<long>());
        Assert.Equal([0L, 1, 2, 0, 0, 0], results["position_ids_out"].ToArray<long>());
        var branch = new Analysis.Onnx.GraphBuilder(opset: 17, name: "identity")
            .Input("use_cache_branch", Analysis.Onnx.Proto.TensorProto.Types.DataType.Bool, 1)
            .Node("Identity", ["use_cache_branch"], ["out"]).Output("out").Build().ToBytes();
        using var branchSession = InferenceSession.FromBytes(branch);
        using var chosen = branchSession.Run(new Dictionary<string, Tensor> { ["use_cache_branch"] = built["use_cache_branch"] });
        Assert.Equal([false], chosen["out"].ToArray<bool>());
    }

    [Fact]
    public void UnknownInputsAreRefusedByName()
    {
        var e = Assert.Throws<BadInputException>(() => new ModelInputs(
        [
            Input("input_ids", TensorElementType.Int64, new(-1, "batch"), new(-1, "sequence")),
            Input("pixel_values", TensorElementType.Float, new(-1, "batch"), new(3), new(224), new(224)),
        ]));
        Assert.Contains("pixel_values", e.Message);
        Assert.Contains("input_ids", Assert.Throws<BadInputException>(() => new ModelInputs([Input("ids", TensorElementType.Int64, new Dimension(-1))])).Message);
    }

    private static byte[] IdentityModel(string[] names)
    {
        var builder = new Analysis.Onnx.GraphBuilder(opset: 17, name: "identity");
        foreach (var n in names)
        {
            builder.Input(n, Analysis.Onnx.Proto.TensorProto.Types.DataType.Int64, "batch", "sequence");
            builder.Node("Identity", [n], [n + "_out"]);
            builder.Output(n + "_out");
        }
        return builder.Build().ToBytes();
    }
}

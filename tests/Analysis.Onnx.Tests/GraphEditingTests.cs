using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx.Tests;

/// <summary>Edits on real torch exports produce graphs that onnx's checker and strict shape inference accept.</summary>
public sealed class GraphEditingTests
{
    private static List<string> ResidualAdds(OnnxModel model) => model.Graph.Node
        .Where(n => n.OpType == "Add" && model.InferTypes()[n.Output[0]].Shape is [_, _, { Value: 16 }])
        .Select(n => n.Output[0]).ToList();

    [Fact]
    public void AddOutputsExposesIntermediateTensorsWithTypes()
    {
        var model = OnnxModel.Load(TestModels.Tiny("tiny_llama"));
        var adds = ResidualAdds(model);
        Assert.Equal(4, adds.Count); // two blocks, two residual adds each

        var map = model.AddOutputs([.. adds, "out", "input_ids", "tok_embeddings.weight"]);

        Assert.Equal(adds, adds.Select(a => map[a]));
        Assert.Equal("out", map["out"]);
        Assert.Equal("input_ids_output", map["input_ids"]);
        Assert.Equal("tok_embeddings.weight_output", map["tok_embeddings.weight"]);
        var exposed = model.Graph.Output.Single(o => o.Name == adds[0]);
        Assert.Equal("float[batch, sequence, 16]", TensorType.FromValueInfo(exposed)!.ToString());
        Assert.Equal(["out", .. adds, "input_ids_output", "tok_embeddings.weight_output"], OnnxChecker.Check(model));
    }

    [Fact]
    public void AddOutputsRejectsUnknownNamesWithoutEditing()
    {
        var model = OnnxModel.Load(TestModels.Tiny("tiny_gpt2"));
        var before = model.Proto.Clone();
        var e = Assert.Throws<UnknownTensorException>(() => model.AddOutputs(["/h.0/Add_output_0", "no_such_tensor"]));
        Assert.Contains("'no_such_tensor'", e.Message);
        Assert.Equal(before, model.Proto);
    }

    [Fact]
    public void AddOutputsAsksTheResolverWhenRulesCannotInfer()
    {
        var model = new GraphBuilder(17)
            .Input("x", DataType.Float, "n", 4)
            .Node("Mystery", "org.example", ["x"], ["y"])
            .Node("Relu", ["y"], ["z"])
            .Output("x")
            .Build();
        var e = Assert.Throws<OnnxFormatException>(() => model.AddOutputs(["y"]));
        Assert.Contains("'y'", e.Message);
        Assert.Contains("Mystery", e.Message);

        var asked = new List<string>();
        var map = model.AddOutputs(["z"], t => { asked.Add(t); return new TensorType(DataType.Float, ["n", 4]); });
        Assert.Equal(["y"], asked);
        Assert.Equal("float[n, 4]", TensorType.FromValueInfo(model.Graph.Output.Single(o => o.Name == map["z"]))!.ToString());
    }

    [Fact]
    public void InsertAfterRewiresEveryConsumerToTheModifiedTensor()
    {
        var model = OnnxModel.Load(TestModels.Tiny("tiny_llama"));
        var resid = ResidualAdds(model)[0];
        var consumersBefore = model.Graph.Node.Where(n => n.Input.Contains(resid)).Select(n => n.Name).ToList();
        Assert.True(consumersBefore.Count >= 3, "the first residual feeds the next norm's Pow, its Mul, and the next residual Add");

        var steer = model.InsertAfter(resid, "Add", "steering_vector", [16]);

        Assert.Equal(resid, steer.Modified);
        var inserted = model.Graph.Node.Single(n => n.Output.Contains(resid));
        Assert.Equal("Add", inserted.OpType);
        Assert.Equal([steer.Original, "steering_vector"], inserted.Input);
        Assert.Single(model.Graph.Node, n => n.Output.Contains(steer.Original));
        Assert.Equal(consumersBefore, model.Graph.Node.Where(n => n.Input.Contains(resid)).Select(n => n.Name));
        Assert.Equal("float[16]", TensorType.FromValueInfo(model.Graph.Input.Single(i => i.Name == "steering_vector"))!.ToString());
        OnnxChecker.Check(model);
    }

    [Fact]
    public void InsertAfterAGraphInputRewiresItsConsumers()
    {
        var model = OnnxModel.Load(TestModels.Tiny("tiny_bert"));
        var ablate = model.InsertAfter("token_type_ids", "Mul", "mask", ["batch", "sequence"]);
        Assert.Equal("token_type_ids", ablate.Original);
        Assert.DoesNotContain(model.Graph.Node, n => n.Input.Contains("token_type_ids") && n.OpType != "Mul");
        Assert.Contains(model.Graph.Node, n => n.Input.Contains(ablate.Modified));
        OnnxChecker.Check(model);
    }

    [Fact]
    public void InsertAfterRefusesAnExistingOperandName()
    {
        var model = OnnxModel.Load(TestModels.Tiny("tiny_llama"));
        Assert.Throws<ArgumentException>(() => model.InsertAfter(ResidualAdds(model)[0], "Add", "input_ids", [16]));
    }

    [Fact]
    public void ExtractSubgraphGivesTheLogitLens()
    {
        var model = OnnxModel.Load(TestModels.Tiny("tiny_llama"));
        var finalResid = ResidualAdds(model)[^1];

        var lens = model.ExtractSubgraph([finalResid], ["out"]);

        // Final RMSNorm (Pow, ReduceMean, Add eps, Sqrt, 1/x, two Muls) and the unembedding MatMul, nothing else.
        var ops = lens.Graph.Node.Where(n => n.OpType != "Constant").Select(n => n.OpType).Order();
        Assert.Equal(new[] { "Add", "Div", "MatMul", "Mul", "Mul", "Pow", "ReduceMean", "Sqrt" }, ops);
        Assert.Equal(["norm.weight", lens.Graph.Node.Single(n => n.OpType == "MatMul").Input[1]], lens.Graph.Initializer.Select(t => t.Name).Order());
        Assert.Equal("float[batch, sequence, 16]", TensorType.FromValueInfo(lens.Graph.Input.Single())!.ToString());
        Assert.Equal(["out"], OnnxChecker.Check(lens));
        Assert.Single(model.Graph.Output); // The source model is untouched.
    }

    [Fact]
    public void ExtractSubgraphNamesAMissingInput()
    {
        var model = OnnxModel.Load(TestModels.Tiny("tiny_bert"));
        var e = Assert.Throws<ArgumentException>(() => model.ExtractSubgraph(["input_ids"], ["out"]));
        Assert.Contains("'token_type_ids'", e.Message);
    }

    /// <summary>x [batch, seq, 4] seen through every token layout extraction knows, each with its position axis.</summary>
    internal static OnnxModel TokenLayouts(int opset = 17) => new GraphBuilder(opset)
        .Input("x", DataType.Float, "batch", "seq", 4)
        .Initializer("split_shape", [0L, 0, 2, 2], 4)
        .Initializer("flat_shape", [-1L, 4], 2)
        .Initializer("head_axis", [1L], 1)
        .Node("Identity", ["x"], ["sequence"])
        .Node("Reshape", ["x", "split_shape"], ["split"])
        .Node("Transpose", ["split"], ["heads"], ("perm", new long[] { 0, 2, 1, 3 }))
        .Node("Transpose", ["x"], ["xt"], ("perm", new long[] { 0, 2, 1 }))
        .Node("MatMul", ["x", "xt"], ["scores"])
        .Node("Unsqueeze", ["scores", "head_axis"], ["pattern"])
        .Node("Reshape", ["x", "flat_shape"], ["flat"])
        .Output("sequence")
        .Build();

    [Fact]
    public void GatherPositionsAddsAnIndicesInputAndOneOutputPerTensor()
    {
        var model = TokenLayouts();
        var outputs = model.GatherPositions("positions", [("sequence", 1), ("split", 1), ("heads", 2), ("pattern", 2), ("flat", 0)]);

        string TypeOf(string tensor) => TensorType.FromValueInfo(model.Graph.Output.Single(o => o.Name == outputs[tensor]))!.ToString();
        Assert.Equal("float[batch, positions, 4]", TypeOf("sequence"));
        Assert.Equal("float[batch, positions, 2, 2]", TypeOf("split"));
        Assert.Equal("float[batch, 2, positions, 2]", TypeOf("heads"));
        Assert.Equal("float[batch, 1, positions, seq]", TypeOf("pattern"));
        Assert.Equal("float[batch, positions, 4]", TypeOf("flat"));
        Assert.Equal("int64[batch, positions]", TensorType.FromValueInfo(model.Graph.Input.Single(i => i.Name == "positions"))!.ToString());
        Assert.Equal(["sequence", .. outputs.Values], OnnxChecker.Check(model));
    }

    [Fact]
    public void GatherPositionsRefusesWhatItCannotGather()
    {
        var model = TokenLayouts();
        var before = model.Proto.Clone();
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => model.GatherPositions("x", [("sequence", 1)])).Message);
        Assert.Contains("axis 3", Assert.Throws<ArgumentException>(() => model.GatherPositions("positions", [("sequence", 3)])).Message);
        Assert.Throws<UnknownTensorException>(() => model.GatherPositions("positions", [("no_such_tensor", 1)]));
        Assert.Equal(before, model.Proto);
        Assert.Contains("opset 12", Assert.Throws<ArgumentException>(() => TokenLayouts(opset: 11).GatherPositions("positions", [("sequence", 1)])).Message);
    }

    [Fact]
    public void GraphBuilderMakesCheckableModelsWithInferredOutputs()
    {
        var model = new GraphBuilder(opset: 17)
            .Input("x", DataType.Float, "n", 3)
            .Initializer("w", [1f, 2, 3, 4, 5, 6], 3, 2)
            .Initializer("axes", [1L], 1)
            .Node("MatMul", ["x", "w"], ["h"])
            .Node("Softmax", ["h"], ["p"], ("axis", -1L))
            .Node("ReduceSum", ["p", "axes"], ["s"], ("keepdims", 0L))
            .Output("p")
            .Output("s")
            .Build();
        Assert.Equal("float[n, 2]", TensorType.FromValueInfo(model.Graph.Output[0])!.ToString());
        Assert.Equal("float[n]", TensorType.FromValueInfo(model.Graph.Output[1])!.ToString());
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F }, model.ReadTensorData("w")[..4]);
        Assert.Equal(["p", "s"], OnnxChecker.Check(model));
    }

    [Fact]
    public void GraphBuilderRejectsInconsistentDefinitions()
    {
        Assert.Throws<ArgumentException>(() => new GraphBuilder().Initializer("w", [1f, 2, 3], 2, 2));
        Assert.Throws<ArgumentException>(() => new GraphBuilder().Input("x", DataType.Float, 1).Node("Relu", ["x"], ["x"]));
    }
}

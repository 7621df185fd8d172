using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx.Tests;

/// <summary>
/// Fixing an If node's branch (Optimum merged decoders choose theirs by use_cache_branch): the kept branch's nodes take the
/// If's place, and the result is a model onnx's checker accepts.
/// </summary>
public sealed class BranchSelectionTests
{
    private static readonly string Merged = Path.Combine(TestModels.RepositoryRoot, "onnx-models", "gpt2-tiny-optimum", "decoder_model_merged.onnx");

    private static readonly string[] Pasts = Enumerable.Range(0, 3).SelectMany(l => new[] { $"past_key_values.{l}.key", $"past_key_values.{l}.value" }).ToArray();

    [Fact]
    public void AMergedDecoderBecomesItsNoCacheDecoder()
    {
        var model = OnnxModel.Load(Merged);
        var branches = model.Graph.Node.Single().Attribute.ToDictionary(a => a.Name, a => a.G);
        var selection = model.SelectNoCacheBranch()!;

        Assert.Equal(["optimum::if"], selection.IfNodes);
        Assert.Equal([.. Pasts, "use_cache_branch"], selection.RemovedInputs);
        Assert.Equal(["input_ids", "attention_mask", "position_ids"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(branches["else_branch"].Node.Count, model.Graph.Node.Count);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "If");
        Assert.Equal(["logits", .. Pasts.Select(p => p.Replace("past_key_values", "present"))], OnnxChecker.Check(model));
    }

    [Fact]
    public void TheCacheBranchKeepsThePastInputs()
    {
        var model = OnnxModel.Load(Merged);
        var selection = model.SelectBranch(OnnxModel.CacheBranchInput, true);
        Assert.Equal(["use_cache_branch"], selection.RemovedInputs);
        Assert.Equal(["input_ids", "attention_mask", "position_ids", .. Pasts], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(7, OnnxChecker.Check(model).Length);
    }

    [Fact]
    public void AModelWithoutTheCacheBranchInputIsLeftAlone()
    {
        var model = OnnxModel.Load(Path.Combine(TestModels.RepositoryRoot, "onnx-models", "gpt2-tiny-optimum", "model.onnx"));
        var before = model.Proto.Clone();
        Assert.Null(model.SelectNoCacheBranch());
        Assert.Equal(before, model.Proto);
    }

    /// <summary>Branch outputs named unlike the If's outputs, an output read from the outer graph, and a branch-local initializer.</summary>
    [Theory]
    [InlineData(false, new[] { "Mul", "Sub", "Neg" })]
    [InlineData(true, new[] { "Add", "Identity", "Neg" })]
    public void BranchOutputsTakeTheIfOutputsNames(bool value, string[] ops)
    {
        var model = IfModel();
        var selection = model.SelectBranch("c", value);

        Assert.Equal(["c"], selection.RemovedInputs);
        Assert.Equal(ops, model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["y", "z"], model.Graph.Node.Take(2).Select(n => n.Output[0]));
        Assert.Equal(value ? ["w"] : ["w", "k"], model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(["y", "z", "n"], OnnxChecker.Check(model));
    }

    [Fact]
    public void WrongConditionsAreRefusedWithoutEditing()
    {
        var model = IfModel();
        var before = model.Proto.Clone();
        Assert.Contains("no graph input 'nope'", Assert.Throws<ArgumentException>(() => model.SelectBranch("nope", true)).Message);
        Assert.Contains("read by nodes other than as an If condition (If 'if')", Assert.Throws<OnnxFormatException>(() => model.SelectBranch("x", true)).Message);
        Assert.Equal(before, model.Proto);

        // A second If on the same condition whose branch reuses a main-graph name: the first, already inlined, is undone.
        var clash = new GraphProto
        {
            Name = "clash",
            Node =
            {
                new NodeProto { OpType = "Neg", Name = "neg2", Input = { "x" }, Output = { "n" } },
                new NodeProto { OpType = "Abs", Name = "abs", Input = { "n" }, Output = { "a" } },
            },
            Output = { new TensorType(DataType.Float, [2]).ToValueInfo("a") },
        };
        model.Graph.Node.Add(new NodeProto
        {
            OpType = "If", Name = "if2", Input = { "c" }, Output = { "q" },
            Attribute =
            {
                new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = clash },
                new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = clash },
            },
        });
        before = model.Proto.Clone();
        Assert.Contains("defines 'n', a name the main graph already uses", Assert.Throws<OnnxFormatException>(() => model.SelectBranch("c", false)).Message);
        Assert.Equal(before, model.Proto);
    }

    // x, c → If(c): then (y = x + w, z = x), else (y = x * k with k local, z = x - w); then n = -y.
    private static OnnxModel IfModel()
    {
        static ValueInfoProto Float(string name) => new TensorType(DataType.Float, [2]).ToValueInfo(name);
        static TensorProto Floats(string name, params float[] values)
        {
            var t = new TensorProto { Name = name, DataType = (int)DataType.Float, Dims = { values.Length } };
            t.FloatData.Add(values);
            return t;
        }
        var then = new GraphProto
        {
            Name = "then", Node = { new NodeProto { OpType = "Add", Name = "add", Input = { "x", "w" }, Output = { "sum" } } },
            Output = { Float("sum"), Float("x") },
        };
        var otherwise = new GraphProto
        {
            Name = "else",
            Node =
            {
                new NodeProto { OpType = "Mul", Name = "mul", Input = { "x", "k" }, Output = { "y" } },
                new NodeProto { OpType = "Sub", Name = "sub", Input = { "x", "w" }, Output = { "difference" } },
            },
            Initializer = { Floats("k", 10, 20) },
            Output = { Float("y"), Float("difference") },
        };
        var ifNode = new NodeProto
        {
            OpType = "If", Name = "if", Input = { "c" }, Output = { "y", "z" },
            Attribute =
            {
                new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = then },
                new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = otherwise },
            },
        };
        var graph = new GraphProto
        {
            Name = "g",
            Input = { Float("x"), new TensorType(DataType.Bool, [1]).ToValueInfo("c") },
            Initializer = { Floats("w", 1, 2) },
            Node = { ifNode, new NodeProto { OpType = "Neg", Name = "neg", Input = { "y" }, Output = { "n" } } },
            Output = { Float("y"), Float("z"), Float("n") },
        };
        var proto = new ModelProto { IrVersion = 8, Graph = graph, OpsetImport = { new OperatorSetIdProto { Version = 17 } } };
        return OnnxModel.FromProto(proto);
    }
}

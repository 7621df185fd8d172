using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>
/// Every node's input and output counts against what its operator requires, as the onnx checker does with the operator
/// schemas: hook discovery and type inference read a node's inputs and outputs by position, so a node that has fewer is a
/// corrupt model, said when it is loaded rather than found later as an index out of range.
/// </summary>
internal static class NodeArity
{
    // The fewest inputs each standard operator takes in any opset (Slice, Squeeze, TopK... took fewer in early opsets).
    private static readonly Dictionary<string, int> MinInputs = new(StringComparer.Ordinal)
    {
        ["Add"] = 2, ["Sub"] = 2, ["Mul"] = 2, ["Div"] = 2, ["Pow"] = 2, ["MatMul"] = 2, ["Gemm"] = 2,
        ["Equal"] = 2, ["Less"] = 2, ["Greater"] = 2, ["And"] = 2, ["Or"] = 2, ["Mod"] = 2, ["Max"] = 1, ["Min"] = 1,
        ["Gather"] = 2, ["GatherElements"] = 2, ["GatherND"] = 2, ["Reshape"] = 1, ["Expand"] = 2, ["Tile"] = 2,
        ["Where"] = 3, ["Range"] = 3, ["LayerNormalization"] = 2, ["Conv"] = 2, ["Einsum"] = 1, ["CastLike"] = 2,
        ["Concat"] = 1, ["Split"] = 1, ["Slice"] = 1, ["Squeeze"] = 1, ["Unsqueeze"] = 1, ["Transpose"] = 1, ["Shape"] = 1,
        ["Size"] = 1, ["Cast"] = 1, ["Identity"] = 1, ["Softmax"] = 1, ["Sqrt"] = 1, ["Reciprocal"] = 1, ["Erf"] = 1,
        ["Tanh"] = 1, ["Sigmoid"] = 1, ["Relu"] = 1, ["Gelu"] = 1, ["Neg"] = 1, ["Exp"] = 1, ["Log"] = 1, ["Dropout"] = 1,
        ["Flatten"] = 1, ["ConstantOfShape"] = 1, ["ReduceMean"] = 1, ["ReduceSum"] = 1, ["ReduceMax"] = 1, ["ArgMax"] = 1,
        ["ArgMin"] = 1, ["TopK"] = 1, ["NonZero"] = 1, ["If"] = 1, ["Trilu"] = 1, ["Not"] = 1, ["MaxPool"] = 1,
    };

    /// <summary>Throws <see cref="OnnxFormatException"/> for the first node of <paramref name="graph"/> (or its subgraphs) that has too few inputs or no output.</summary>
    public static void Check(GraphProto graph, string modelName)
    {
        foreach (var node in graph.Node)
        {
            // A node computes something: an operator whose outputs are all optional (GRU, LSTM) still lists them, maybe as "".
            if (node.Output.Count == 0)
                throw Corrupt(node, modelName, "has no output");
            if (node.Domain is "" or "ai.onnx" && MinInputs.TryGetValue(node.OpType, out var min)
                && (node.Input.Count < min || node.Input.Take(min).Any(i => i.Length == 0 && node.OpType != "Slice")))
                throw Corrupt(node, modelName, $"has {node.Input.Count(i => i.Length > 0)} of the {min} inputs {node.OpType} requires");
            // A Constant's value is its tensor attribute (the onnx checker matches attribute types to their fields too).
            if (node.Domain is "" or "ai.onnx" && node.OpType == "Constant" && node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: null })
                throw Corrupt(node, modelName, "has a 'value' attribute that holds no tensor");
            foreach (var a in node.Attribute)
            {
                if (a.G is not null) Check(a.G, modelName);
                foreach (var g in a.Graphs) Check(g, modelName);
            }
        }
    }

    private static OnnxFormatException Corrupt(NodeProto node, string modelName, string problem) =>
        new($"Node '{node.Name}' ({node.OpType}) in '{modelName}' {problem}; the model is corrupt, so re-export it.");
}

using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>
    /// Inserts <c>opType(tensor, operand)</c> right after <paramref name="tensor"/>, so every consumer and graph output
    /// sees the result (steering: "Add" of a vector; ablation: "Mul" by a mask). <paramref name="operand"/> becomes a new
    /// graph input with the tensor's element type and the given (broadcastable) shape.
    /// </summary>
    public InsertedNode InsertAfter(string tensor, string opType, string operand, IReadOnlyList<Dim> operandShape, TensorTypeResolver? resolver = null)
    {
        var index = new GraphIndex(Graph);
        if (!index.Exists(tensor)) throw new UnknownTensorException(tensor, $"the graph of '{Name}'");
        if (index.Exists(operand) || index.Outputs.Contains(operand))
            throw new ArgumentException($"Cannot add input '{operand}': a tensor of that name already exists in '{Name}'; choose another name.", nameof(operand));
        var elementType = InferTypes(resolver)[tensor].ElementType;
        Graph.Input.Add(new TensorType(elementType, operandShape).ToValueInfo(operand));

        if (index.Producers.TryGetValue(tensor, out var producer))
        {
            // The producer now writes a new name and the inserted node takes over the old one: consumers, graph
            // outputs and subgraphs that read the tensor see the modified value without being touched.
            var original = UniqueName(index, $"{tensor}_before_{opType}");
            for (var i = 0; i < producer.Output.Count; i++)
                if (producer.Output[i] == tensor) producer.Output[i] = original;
            var node = new NodeProto { OpType = opType, Name = $"{opType}_{operand}", Input = { original, operand }, Output = { tensor } };
            Graph.Node.Insert(Graph.Node.IndexOf(producer) + 1, node);
            return new InsertedNode(original, tensor, operand);
        }

        // A graph input or initializer cannot be renamed: rewire its consumers instead.
        var modified = UniqueName(index, $"{tensor}_after_{opType}");
        foreach (var consumer in index.ConsumersOf(tensor)) Rename(consumer, tensor, modified);
        foreach (var output in Graph.Output)
            if (output.Name == tensor) output.Name = modified;
        Graph.Node.Insert(0, new NodeProto { OpType = opType, Name = $"{opType}_{operand}", Input = { tensor, operand }, Output = { modified } });
        return new InsertedNode(tensor, modified, operand);
    }

    private static void Rename(NodeProto node, string from, string to)
    {
        for (var i = 0; i < node.Input.Count; i++)
            if (node.Input[i] == from) node.Input[i] = to;
        foreach (var a in node.Attribute)
            foreach (var g in a.G is null ? a.Graphs : a.Graphs.Prepend(a.G))
                if (!g.Input.Any(i => i.Name == from) && !g.Initializer.Any(t => t.Name == from))
                    foreach (var n in g.Node) Rename(n, from, to);
    }
}

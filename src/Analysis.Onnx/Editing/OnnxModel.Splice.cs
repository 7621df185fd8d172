using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>
    /// Splices <paramref name="inner"/> (a one-input graph, e.g. an SAE) into this graph at <paramref name="tensor"/>: the
    /// inner graph reads the tensor's original value and its <paramref name="innerOutput"/> replaces the tensor for every
    /// consumer and graph output. Inner names get <paramref name="prefix"/>; returns the name of the original value.
    /// </summary>
    public string Splice(string tensor, GraphProto inner, string innerOutput, string prefix)
    {
        if (inner.Input.Count != 1) throw new ArgumentException($"The graph to splice must have one input; '{inner.Name}' has {inner.Input.Count}.", nameof(inner));
        var index = new GraphIndex(Graph);
        if (!index.Exists(tensor)) throw new UnknownTensorException(tensor, $"the graph of '{Name}'");
        if (!index.Producers.TryGetValue(tensor, out var producer))
            throw new ArgumentException($"Cannot splice at '{tensor}': it is a graph input or initializer, not a node's output.", nameof(tensor));
        var original = UniqueName(index, $"{tensor}_before_{prefix}");
        for (var i = 0; i < producer.Output.Count; i++)
            if (producer.Output[i] == tensor) producer.Output[i] = original;

        var innerInput = inner.Input[0].Name;
        string Map(string name) => name.Length == 0 ? name : name == innerInput ? original : name == innerOutput ? tensor : prefix + name;
        foreach (var init in inner.Initializer)
        {
            var copy = init.Clone();
            copy.Name = Map(init.Name);
            Graph.Initializer.Add(copy);
        }
        var at = Graph.Node.IndexOf(producer) + 1;
        foreach (var node in inner.Node)
        {
            var copy = node.Clone();
            copy.Name = prefix + node.Name;
            for (var i = 0; i < copy.Input.Count; i++) copy.Input[i] = Map(copy.Input[i]);
            for (var i = 0; i < copy.Output.Count; i++) copy.Output[i] = Map(copy.Output[i]);
            MoveReduceAxesToInput(copy, prefix);
            Graph.Node.Insert(at++, copy);
        }
        return original;
    }

    // Opset 18 moved ReduceMin/Max's axes from an attribute to an input; a graph built for opset 13 must follow the host.
    private void MoveReduceAxesToInput(NodeProto node, string prefix)
    {
        if (Opset < 18 || !node.OpType.StartsWith("Reduce", StringComparison.Ordinal) || node.OpType == "ReduceSum") return;
        var axes = node.Attribute.FirstOrDefault(a => a.Name == "axes");
        if (axes is null) return;
        node.Attribute.Remove(axes);
        var name = $"{node.Name}_axes";
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(axes.Ints.Count);
        t.Int64Data.AddRange(axes.Ints);
        Graph.Initializer.Add(t);
        node.Input.Add(name);
    }
}

using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>
    /// A new model computing <paramref name="outputs"/> from <paramref name="inputs"/> (which become its graph inputs),
    /// with only the nodes and initializers needed (logit lens: final norm + unembedding applied to any residual).
    /// External weights stay referenced, not copied.
    /// </summary>
    public OnnxModel ExtractSubgraph(IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, TensorTypeResolver? resolver = null)
    {
        var index = new GraphIndex(Graph);
        foreach (var t in inputs.Concat(outputs))
            if (!index.Exists(t)) throw new UnknownTensorException(t, $"the graph of '{Name}'");
        var types = InferTypes(resolver);
        var boundary = inputs.ToHashSet(StringComparer.Ordinal);

        var nodes = new HashSet<NodeProto>();
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Tensor, string Output)>(outputs.Select(o => (o, o)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var item))
        {
            var (tensor, output) = item;
            if (tensor.Length == 0 || boundary.Contains(tensor) || !seen.Add(tensor)) continue;
            if (index.Initializers.ContainsKey(tensor)) { initializers.Add(tensor); continue; }
            if (index.Inputs.Contains(tensor))
                throw new ArgumentException($"Output '{output}' depends on graph input '{tensor}', which is not among the subgraph's inputs; add it to the inputs.");
            var node = index.Producers[tensor];
            if (!nodes.Add(node)) continue;
            foreach (var i in node.Input.Concat(GraphIndex.OuterReferences(node))) pending.Push((i, output));
        }

        var graph = new GraphProto { Name = $"{Graph.Name}_extract", DocString = $"Extracted from {Graph.Name}: {string.Join(", ", inputs)} -> {string.Join(", ", outputs)}" };
        foreach (var t in inputs) graph.Input.Add(types[t].ToValueInfo(t));
        graph.Node.Add(Graph.Node.Where(nodes.Contains).Select(n => n.Clone()));
        graph.Initializer.Add(Graph.Initializer.Where(t => initializers.Contains(t.Name)).Select(t => t.Clone()));
        foreach (var t in outputs) graph.Output.Add(types[t].ToValueInfo(t));
        var produced = graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        graph.ValueInfo.Add(Graph.ValueInfo.Where(v => produced.Contains(v.Name)).Select(v => v.Clone()));

        var model = new ModelProto
        {
            IrVersion = Proto.IrVersion,
            ProducerName = "Analysis",
            ProducerVersion = typeof(OnnxModel).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(Proto.OpsetImport.Select(o => o.Clone()));
        model.Functions.Add(Proto.Functions.Select(f => f.Clone()));
        return new OnnxModel(model, Directory, $"{Name} (extracted)");
    }
}

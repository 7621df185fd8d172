using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>Who produces and who consumes each tensor of a graph; rebuilt per edit since graphs change under it.</summary>
internal sealed class GraphIndex
{
    public Dictionary<string, NodeProto> Producers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<NodeProto>> Consumers { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Inputs { get; }
    public Dictionary<string, TensorProto> Initializers { get; }
    public HashSet<string> Outputs { get; }

    public GraphIndex(GraphProto graph)
    {
        Initializers = graph.Initializer.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Inputs = graph.Input.Select(i => i.Name).Where(n => !Initializers.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        Outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var o in node.Output)
                if (o.Length > 0) Producers[o] = node;
            foreach (var i in node.Input.Concat(OuterReferences(node)))
            {
                if (i.Length == 0) continue;
                if (!Consumers.TryGetValue(i, out var list)) Consumers[i] = list = [];
                if (!list.Contains(node)) list.Add(node);
            }
        }
    }

    public bool Exists(string tensor) => Producers.ContainsKey(tensor) || Inputs.Contains(tensor) || Initializers.ContainsKey(tensor);

    public IReadOnlyList<NodeProto> ConsumersOf(string tensor) => Consumers.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>Names a node's subgraphs (Loop/If/Scan bodies) read from the enclosing graph.</summary>
    public static IEnumerable<string> OuterReferences(NodeProto node)
    {
        foreach (var a in node.Attribute)
            foreach (var g in a.G is null ? a.Graphs : a.Graphs.Prepend(a.G))
            {
                var defined = g.Input.Select(i => i.Name).Concat(g.Initializer.Select(t => t.Name))
                    .Concat(g.Node.SelectMany(n => n.Output)).ToHashSet(StringComparer.Ordinal);
                foreach (var n in g.Node)
                    foreach (var i in n.Input.Concat(OuterReferences(n)))
                        if (i.Length > 0 && !defined.Contains(i)) yield return i;
            }
    }
}

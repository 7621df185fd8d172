using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>Navigation over a graph that sees through exporter noise (Identity, Cast) and knows what is constant.</summary>
internal sealed class GraphView
{
    public GraphIndex Index { get; }
    public TensorTypes Types { get; }
    public IReadOnlyList<NodeProto> Nodes { get; }
    private readonly Dictionary<NodeProto, int> _order;

    public GraphView(GraphProto graph, TensorTypes types)
    {
        Index = new GraphIndex(graph);
        Types = types;
        Nodes = graph.Node;
        _order = graph.Node.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
    }

    public int OrderOf(NodeProto node) => _order.GetValueOrDefault(node, int.MaxValue);

    public static bool IsNoise(NodeProto node) => node.OpType is "Identity" or "Cast" or "Dropout";

    public NodeProto? Producer(string tensor) => Index.Producers.GetValueOrDefault(tensor);

    /// <summary>The tensor and its noise-only copies (Identity/Cast outputs).</summary>
    public List<string> Aliases(string tensor)
    {
        var result = new List<string> { tensor };
        for (var i = 0; i < result.Count; i++)
            foreach (var c in Index.ConsumersOf(result[i]))
                if (IsNoise(c) && c.Input[0] == result[i] && c.Output.Count > 0 && !result.Contains(c.Output[0])) result.Add(c.Output[0]);
        return result;
    }

    /// <summary>Nodes reading the tensor or one of its aliases, with the name they read it by.</summary>
    public IEnumerable<(NodeProto Node, string Seen)> Consumers(string tensor)
    {
        foreach (var alias in Aliases(tensor))
            foreach (var c in Index.ConsumersOf(alias))
                if (!IsNoise(c)) yield return (c, alias);
    }

    /// <summary>Follows a tensor back through noise to its real source.</summary>
    public string Source(string tensor)
    {
        for (var guard = 0; guard < 64 && Producer(tensor) is { } p && IsNoise(p) && p.Input.Count > 0; guard++) tensor = p.Input[0];
        return tensor;
    }

    public bool IsConstant(string tensor)
    {
        var source = Source(tensor);
        if (Index.Initializers.ContainsKey(source)) return true;
        return Producer(source) is { OpType: "Constant" or "ConstantOfShape" };
    }

    public int? Rank(string tensor) => Types.Find(tensor)?.Shape?.Count;

    /// <summary>Tensors reachable forward from <paramref name="start"/> within <paramref name="depth"/> nodes.</summary>
    public HashSet<string> Descendants(string start, int depth)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var frontier = new List<string> { start };
        for (var d = 0; d < depth && frontier.Count > 0; d++)
        {
            var next = new List<string>();
            foreach (var t in frontier)
                foreach (var c in Index.ConsumersOf(t))
                    foreach (var o in c.Output)
                        if (o.Length > 0 && seen.Add(o)) next.Add(o);
            frontier = next;
        }
        return seen;
    }

    /// <summary>
    /// The nodes computing <paramref name="tensor"/>, walking back until <paramref name="stops"/>, constants or graph inputs.
    /// Shape/Size inputs are not followed: they read only metadata, not values.
    /// </summary>
    public (List<NodeProto> Nodes, HashSet<string> ReachedStops) Region(string tensor, IReadOnlySet<string> stops)
    {
        var nodes = new HashSet<NodeProto>();
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(tensor);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var t))
        {
            if (t.Length == 0 || !seen.Add(t)) continue;
            if (stops.Contains(t)) { reached.Add(t); continue; }
            if (Producer(t) is not { } p || !nodes.Add(p) || p.OpType is "Shape" or "Size") continue;
            foreach (var i in p.Input) pending.Push(i);
        }
        return (nodes.OrderBy(OrderOf).ToList(), reached);
    }
}

using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>A normalization recognized in the graph: its kind and the tensor it outputs (after gain and bias).</summary>
internal sealed record NormMatch(string Kind, string Output, NodeProto Core);

/// <summary>
/// Recognizes a LayerNorm or RMSNorm reading a tensor: the fused ops (LayerNormalization, SimplifiedLayerNormalization)
/// or the decompositions torch exports (LayerNorm: ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div; RMSNorm: Pow,
/// ReduceMean, Add, Sqrt, Reciprocal or Div, Mul), followed by the elementwise gain/bias with constants.
/// </summary>
internal static class NormMatcher
{
    private const int StatisticsDepth = 6;

    public static NormMatch? Match(GraphView g, string x)
    {
        var consumers = g.Consumers(x).ToList();
        foreach (var (node, seen) in consumers)
            if (node.OpType is "LayerNormalization" or "SimplifiedLayerNormalization" && node.Input[0] == seen)
                return new NormMatch(node.OpType == "LayerNormalization" ? "LayerNorm" : "RMSNorm", node.Output[0], node);

        var aliases = g.Aliases(x).ToHashSet(StringComparer.Ordinal);
        foreach (var (node, seen) in consumers.Where(c => c.Node.OpType == "ReduceMean"))
        {
            // LayerNorm: (x - mean(x)) / sqrt(var + eps)
            foreach (var (sub, _) in g.Consumers(node.Output[0]).Where(c => c.Node.OpType == "Sub" && aliases.Contains(c.Node.Input[0])))
                foreach (var (div, _) in g.Consumers(sub.Output[0]).Where(c => c.Node.OpType == "Div" && g.Source(c.Node.Input[0]) == sub.Output[0]))
                    return new NormMatch("LayerNorm", Affine(g, div.Output[0]), div);
        }
        foreach (var (square, seen) in consumers.Where(c => IsSquare(g, c.Node, c.Seen)))
        {
            // RMSNorm: x * 1/sqrt(mean(x^2) + eps), or x / sqrt(...)
            foreach (var (mean, _) in g.Consumers(square.Output[0]).Where(c => c.Node.OpType == "ReduceMean"))
            {
                var statistics = g.Descendants(mean.Output[0], StatisticsDepth);
                var scale = g.Nodes.Where(n => n.OpType is "Mul" or "Div" && n.Input.Count == 2
                        && aliases.Contains(n.Input[0]) != aliases.Contains(n.Input[1])
                        && n.Input.Any(statistics.Contains))
                    .OrderBy(g.OrderOf).FirstOrDefault();
                if (scale is not null) return new NormMatch("RMSNorm", Affine(g, scale.Output[0]), scale);
            }
        }
        return null;
    }

    private static bool IsSquare(GraphView g, NodeProto node, string seen) => node.OpType switch
    {
        "Pow" => node.Input[0] == seen && g.IsConstant(node.Input[1]),
        "Mul" => node.Input.Count == 2 && node.Input[0] == node.Input[1],
        _ => false,
    };

    // The gain (Mul) and bias (Add) by constants that follow the normalization proper, through Cast noise.
    private static string Affine(GraphView g, string tensor)
    {
        for (var step = 0; step < 4; step++)
        {
            var consumers = g.Consumers(tensor).ToList();
            if (consumers.Count != 1) break;
            var (node, seen) = consumers[0];
            if (node.OpType is not ("Mul" or "Add") || node.Input.Count != 2) break;
            var other = node.Input[0] == seen ? node.Input[1] : node.Input[0];
            if (!g.IsConstant(other)) break;
            tensor = node.Output[0];
        }
        return tensor;
    }
}

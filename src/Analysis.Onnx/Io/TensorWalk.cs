using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>Every TensorProto a model holds: initializers, sparse initializers, attribute tensors, in all subgraphs and functions.</summary>
internal static class TensorWalk
{
    public static IEnumerable<TensorProto> All(ModelProto model)
    {
        if (model.Graph is not null)
            foreach (var t in InGraph(model.Graph)) yield return t;
        foreach (var f in model.Functions)
            foreach (var n in f.Node)
                foreach (var t in InNode(n)) yield return t;
        foreach (var info in model.TrainingInfo)
            foreach (var g in new[] { info.Initialization, info.Algorithm })
                if (g is not null)
                    foreach (var t in InGraph(g)) yield return t;
    }

    public static IEnumerable<TensorProto> InGraph(GraphProto graph)
    {
        foreach (var t in graph.Initializer) yield return t;
        foreach (var s in graph.SparseInitializer)
        {
            if (s.Values is not null) yield return s.Values;
            if (s.Indices is not null) yield return s.Indices;
        }
        foreach (var n in graph.Node)
            foreach (var t in InNode(n)) yield return t;
    }

    private static IEnumerable<TensorProto> InNode(NodeProto node)
    {
        foreach (var a in node.Attribute)
        {
            if (a.T is not null) yield return a.T;
            foreach (var t in a.Tensors) yield return t;
            if (a.SparseTensor is not null)
            {
                if (a.SparseTensor.Values is not null) yield return a.SparseTensor.Values;
                if (a.SparseTensor.Indices is not null) yield return a.SparseTensor.Indices;
            }
            if (a.G is not null)
                foreach (var t in InGraph(a.G)) yield return t;
            foreach (var g in a.Graphs)
                foreach (var t in InGraph(g)) yield return t;
        }
    }
}

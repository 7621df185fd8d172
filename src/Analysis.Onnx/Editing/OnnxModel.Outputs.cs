using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>The default-domain opset version the model imports (0 when none).</summary>
    public long Opset => Proto.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    /// <summary>Whether a node output, graph input or initializer of the main graph has this name.</summary>
    public bool HasTensor(string name) => new GraphIndex(Graph).Exists(name);

    /// <summary>Infers element types and shapes of the main graph's tensors; <paramref name="resolver"/> answers what rules cannot.</summary>
    public TensorTypes InferTypes(TensorTypeResolver? resolver = null) => TypeInference.Run(Graph, resolver);

    /// <summary>
    /// Makes intermediate tensors graph outputs, typed by inference. Outputs keep the tensor's own name; a graph input or
    /// initializer is passed through an Identity node named "{tensor}_output". Returns tensor name → output name.
    /// </summary>
    public IReadOnlyDictionary<string, string> AddOutputs(IEnumerable<string> tensors, TensorTypeResolver? resolver = null)
    {
        var index = new GraphIndex(Graph);
        var wanted = tensors.Distinct(StringComparer.Ordinal).ToList();
        foreach (var t in wanted)
            if (!index.Exists(t)) throw new UnknownTensorException(t, $"the graph of '{Name}'");
        var types = InferTypes(resolver);
        var typed = wanted.ToDictionary(t => t, t => types[t], StringComparer.Ordinal); // All types first: fail before editing.

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in wanted)
        {
            if (index.Outputs.Contains(t)) { result[t] = t; continue; }
            var name = t;
            if (!index.Producers.ContainsKey(t))
            {
                name = UniqueName(index, $"{t}_output");
                Graph.Node.Add(new NodeProto { OpType = "Identity", Name = name, Input = { t }, Output = { name } });
            }
            Graph.Output.Add(typed[t].ToValueInfo(name));
            index.Outputs.Add(name);
            result[t] = name;
        }
        return result;
    }

    private static string UniqueName(GraphIndex index, string wanted)
    {
        var name = wanted;
        for (var i = 1; index.Exists(name) || index.Outputs.Contains(name); i++) name = $"{wanted}_{i}";
        return name;
    }
}

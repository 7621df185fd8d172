using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>
    /// Appends <paramref name="head"/>'s graph to this one, so computations built in code (statistics, a second finish)
    /// run inside the same session as the model. Head inputs named in <paramref name="connections"/> read the given tensors
    /// of this graph; the other head inputs become graph inputs under their own names; the head's nodes, initializers and
    /// internal tensors get <paramref name="prefix"/>; its outputs become graph outputs. Returns head output → graph output.
    /// With <paramref name="shareInitializers"/> (a head cut from this very model, e.g. by <see cref="ExtractSubgraph"/>),
    /// head initializers whose names this graph has are the same weights and are read, not copied.
    /// The head's nodes go right after the last node producing a connected tensor. ONNX Runtime may still run them later
    /// (it orders by data dependencies only); <see cref="ReadAfter"/> pins them before the tensor's other readers.
    /// </summary>
    public IReadOnlyDictionary<string, string> Append(OnnxModel head, IReadOnlyDictionary<string, string> connections, string prefix, bool shareInitializers = false)
    {
        if (head.Opset != Opset)
            throw new ArgumentException($"The graph to append imports opset {head.Opset} but '{Name}' imports {Opset}; build it for opset {Opset}.", nameof(head));
        var index = new GraphIndex(Graph);
        var headIndex = new GraphIndex(head.Graph);
        foreach (var (input, tensor) in connections)
        {
            if (!headIndex.Inputs.Contains(input)) throw new ArgumentException($"The graph to append has no input '{input}'.", nameof(connections));
            if (!index.Exists(tensor)) throw new UnknownTensorException(tensor, $"the graph of '{Name}'");
        }
        if (head.Graph.Node.Any(n => n.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)))
            throw new ArgumentException("The graph to append has nodes with subgraphs, which Append does not rename; build it without control flow.", nameof(head));

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in head.Graph.Input.Where(i => headIndex.Inputs.Contains(i.Name)))
        {
            if (connections.TryGetValue(input.Name, out var tensor)) { names[input.Name] = tensor; continue; }
            if (index.Exists(input.Name) || index.Outputs.Contains(input.Name))
                throw new ArgumentException($"The appended graph's input '{input.Name}' would collide with a tensor of '{Name}'; rename it or connect it.", nameof(head));
            names[input.Name] = input.Name;
            Graph.Input.Add(input.Clone());
        }
        string Renamed(string t) => t.Length == 0 ? t : names.TryGetValue(t, out var n) ? n : names[t] = UniqueName(index, prefix + t);

        foreach (var t in head.Graph.Initializer)
        {
            if (shareInitializers && index.Initializers.ContainsKey(t.Name))
            {
                names[t.Name] = t.Name;
                continue;
            }
            var copy = t.Clone();
            copy.Name = Renamed(t.Name);
            Graph.Initializer.Add(copy);
        }
        var at = connections.Values.Select(t => index.Producers.TryGetValue(t, out var p) ? Graph.Node.IndexOf(p) + 1 : 0).DefaultIfEmpty(Graph.Node.Count).Max();
        foreach (var n in head.Graph.Node)
        {
            var copy = n.Clone();
            copy.Name = prefix + n.Name;
            for (var i = 0; i < copy.Input.Count; i++) copy.Input[i] = Renamed(copy.Input[i]);
            for (var i = 0; i < copy.Output.Count; i++) copy.Output[i] = Renamed(copy.Output[i]);
            Graph.Node.Insert(at++, copy);
        }
        foreach (var domain in head.Proto.OpsetImport.Where(o => o.Domain is not ("" or "ai.onnx")))
            if (!Proto.OpsetImport.Any(o => o.Domain == domain.Domain)) Proto.OpsetImport.Add(domain.Clone());

        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in head.Graph.Output)
        {
            var copy = o.Clone();
            copy.Name = Renamed(o.Name);
            Graph.Output.Add(copy);
            outputs[o.Name] = copy.Name;
        }
        return outputs;
    }

    /// <summary>Removes every graph output not named in <paramref name="keep"/> (their computations go unless something else reads them).</summary>
    public void KeepOutputs(IReadOnlyCollection<string> keep)
    {
        var wanted = keep.ToHashSet(StringComparer.Ordinal);
        foreach (var missing in wanted.Where(k => Graph.Output.All(o => o.Name != k)))
            throw new ArgumentException($"'{Name}' has no graph output '{missing}' to keep.", nameof(keep));
        var kept = Graph.Output.Where(o => wanted.Contains(o.Name)).ToList();
        Graph.Output.Clear();
        Graph.Output.Add(kept);
    }
}

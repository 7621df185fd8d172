using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>The bool input by which Optimum's merged decoders (decoder_model_merged.onnx) choose their with-past (true) or no-past (false) subgraph.</summary>
    public const string CacheBranchInput = "use_cache_branch";

    /// <summary>
    /// Fixes an Optimum merged decoder to its no-cache branch (<see cref="SelectBranch"/> with use_cache_branch = false): the
    /// whole-sequence computation that extraction runs. Null, and nothing changed, when the model has no such input.
    /// </summary>
    public BranchSelection? SelectNoCacheBranch() =>
        new GraphIndex(Graph).Inputs.Contains(CacheBranchInput) ? SelectBranch(CacheBranchInput, false) : null;

    /// <summary>
    /// Replaces each If node whose condition is the graph input <paramref name="condition"/> by the nodes of the branch that
    /// <paramref name="value"/> selects, so the branch's tensors become main-graph tensors that hooks can name and expose (a
    /// tensor inside a subgraph cannot be a graph output). The condition input, and every graph input only the other branch
    /// read, are removed: a caller cannot feed a value the edited graph would silently ignore. On error nothing is changed.
    /// </summary>
    public BranchSelection SelectBranch(string condition, bool value)
    {
        var index = new GraphIndex(Graph);
        if (!index.Inputs.Contains(condition))
            throw new ArgumentException($"'{Name}' has no graph input '{condition}' (its inputs: {string.Join(", ", index.Inputs)}).");
        var ifs = index.ConsumersOf(condition).ToList();
        if (ifs.Count == 0 || ifs.Any(n => n.OpType != "If" || n.Input[0] != condition))
            throw new OnnxFormatException($"Graph input '{condition}' of '{Name}' is read by nodes other than as an If condition ({string.Join(", ", ifs.Select(n => $"{n.OpType} '{n.Name}'"))}); only a branch choice can be fixed.");

        var readBefore = index.Inputs.Where(i => index.ConsumersOf(i).Count > 0).ToHashSet(StringComparer.Ordinal);
        var before = Graph.Clone(); // weights are immutable ByteStrings, shared by the copy
        try
        {
            foreach (var node in ifs)
            {
                var branch = node.Attribute.FirstOrDefault(a => a.Name == (value ? "then_branch" : "else_branch"))?.G
                    ?? throw new OnnxFormatException($"If node '{node.Name}' of '{Name}' has no {(value ? "then" : "else")}_branch graph.");
                Inline(node, branch, index);
                index = new GraphIndex(Graph);
            }
        }
        catch
        {
            Proto.Graph = before; // a second If that cannot be inlined must not leave the first one inlined
            throw;
        }

        var removed = new List<string>();
        foreach (var input in Graph.Input.ToList())
        {
            if (!readBefore.Contains(input.Name) || index.ConsumersOf(input.Name).Count > 0 || index.Outputs.Contains(input.Name)) continue;
            Graph.Input.Remove(input);
            removed.Add(input.Name);
        }
        return new BranchSelection(condition, value, ifs.Select(n => n.Name).ToList(), removed);
    }

    // The branch's nodes take the If node's place (keeping topological order); its outputs are renamed to the If's outputs.
    private void Inline(NodeProto node, GraphProto branch, GraphIndex index)
    {
        if (branch.Output.Count != node.Output.Count)
            throw new OnnxFormatException($"If node '{node.Name}' of '{Name}' has {node.Output.Count} outputs but its branch '{branch.Name}' {branch.Output.Count}.");
        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        var produced = branch.Node.SelectMany(n => n.Output).Where(o => o.Length > 0).ToHashSet(StringComparer.Ordinal);
        var pass = new List<NodeProto>();
        for (var i = 0; i < node.Output.Count; i++)
        {
            var inner = branch.Output[i].Name;
            var outer = node.Output[i];
            if (outer.Length == 0 || inner == outer) continue;
            // A branch output computed inside the branch takes the If output's name; one read from outside is copied.
            if (produced.Contains(inner) && !rename.ContainsKey(inner)) rename[inner] = outer;
            else pass.Add(new NodeProto { OpType = "Identity", Name = $"{node.Name}/output_{i}", Input = { inner }, Output = { outer } });
        }
        var ifOutputs = node.Output.ToHashSet(StringComparer.Ordinal);
        foreach (var defined in produced.Concat(branch.Initializer.Select(t => t.Name)))
        {
            var name = rename.GetValueOrDefault(defined, defined);
            if (index.Exists(name) && !ifOutputs.Contains(name))
                throw new OnnxFormatException($"Branch '{branch.Name}' of If node '{node.Name}' in '{Name}' defines '{defined}', a name the main graph already uses; the branch cannot be inlined.");
        }

        if (rename.Count > 0 && branch.Node.SelectMany(GraphIndex.OuterReferences).FirstOrDefault(rename.ContainsKey) is { } nested)
            throw new OnnxFormatException($"Branch '{branch.Name}' of If node '{node.Name}' in '{Name}' reads its output '{nested}' inside a nested subgraph; the branch cannot be inlined.");

        string Renamed(string t) => rename.GetValueOrDefault(t, t);
        var nodes = branch.Node.Select(n =>
        {
            var copy = n.Clone();
            for (var j = 0; j < copy.Input.Count; j++) copy.Input[j] = Renamed(copy.Input[j]);
            for (var j = 0; j < copy.Output.Count; j++) copy.Output[j] = Renamed(copy.Output[j]);
            return copy;
        }).Concat(pass).ToList();
        var at = Graph.Node.IndexOf(node);
        Graph.Node.RemoveAt(at);
        for (var j = 0; j < nodes.Count; j++) Graph.Node.Insert(at + j, nodes[j]);
        Graph.Initializer.Add(branch.Initializer.Select(t => t.Clone()));
        Graph.ValueInfo.Add(branch.ValueInfo.Where(v => !ifOutputs.Contains(Renamed(v.Name))).Select(v =>
        {
            var copy = v.Clone();
            copy.Name = Renamed(v.Name);
            return copy;
        }));
    }
}

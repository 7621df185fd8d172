using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>
    /// Steering: <c>x ← x + positions[b, t] · vector[b, :]</c> on a [batch, positions, d] tensor (or one with batch and
    /// positions folded, [batch·positions, d]). Adds the graph inputs "{prefix}.vector" [batch, d] and
    /// "{prefix}.positions" [batch, positions] of the tensor's element type, each axis but d also accepting 1 (broadcast);
    /// scale the vector by α before feeding it, and give each row its own vector and mask. Positions of zero (or a zero
    /// vector) add an exact zero, so the outputs are bit-identical to the unedited model's.
    /// </summary>
    public InterventionInputs AddSteering(string tensor, string prefix, TensorTypeResolver? resolver = null)
    {
        var type = InterventionTarget(tensor, resolver, out var index);
        var shape = type.Shape!;
        var width = shape[^1];
        // Axes of their own, so ONNX Runtime accepts 1 for broadcast: a neutral feed is one zero vector [1, d] and one
        // zero [1, 1], and the delta [1, 1, d] costs nothing to build (a full [batch, T, d] delta is a pass of its own).
        var vector = NewInput(index, $"{prefix}.vector", new TensorType(type.ElementType, [Dim.Named($"{prefix}.vector_rows"), width]));
        var positions = NewInput(index, $"{prefix}.positions", new TensorType(type.ElementType, [Dim.Named($"{prefix}.position_rows"), Dim.Named($"{prefix}.positions")]));
        return Splice(index, tensor, "steer", (emit, original) =>
        {
            var column = emit("Unsqueeze", "positions_column", [positions], [2]); // [batch, positions, 1]
            var row = emit("Unsqueeze", "vector_row", [vector], [1]); // [batch, 1, d]
            var delta = emit("Mul", "delta", [column, row], null);
            if (shape.Count == 2) delta = emit("Reshape", "delta_folded", [delta, emit("Shape", "shape", [original], null)], null);
            return ("Add", [original, delta]);
        }, new Dictionary<string, string> { ["vector"] = vector, ["positions"] = positions });
    }

    /// <summary>
    /// Replacement (ablation, patching, clamping): <c>x ← Where(keep, x, values)</c>. Adds the graph inputs "{prefix}.keep"
    /// (bool) and "{prefix}.values" (the tensor's element type) of the tensor's rank, each axis either the tensor's size
    /// or 1 (broadcast; so a neutral feed can be a single true): true keeps the model's value exactly, false takes the fed
    /// one. Zero-, mean- and resample-ablation, patching and clamping differ only in what is fed; a select copies bits, so
    /// an all-true mask leaves the outputs bit-identical to the unedited model's.
    /// </summary>
    public InterventionInputs AddReplacement(string tensor, string prefix, TensorTypeResolver? resolver = null)
    {
        var type = InterventionTarget(tensor, resolver, out var index);
        // Symbolic axes: ONNX Runtime then accepts the full size or 1, which Where broadcasts.
        var dims = type.Shape!.Select((_, i) => Dim.Named($"{prefix}.dim{i}")).ToArray();
        var keep = NewInput(index, $"{prefix}.keep", new TensorType(DataType.Bool, dims));
        var values = NewInput(index, $"{prefix}.values", new TensorType(type.ElementType, dims));
        return Splice(index, tensor, "replace", (_, original) => ("Where", [keep, original, values]),
            new Dictionary<string, string> { ["keep"] = keep, ["values"] = values });
    }

    private TensorType InterventionTarget(string tensor, TensorTypeResolver? resolver, out GraphIndex index)
    {
        index = new GraphIndex(Graph);
        if (!index.Exists(tensor)) throw new UnknownTensorException(tensor, $"the graph of '{Name}'");
        var type = InferTypes(resolver)[tensor];
        if (type.Shape is not { Count: 2 or 3 })
            throw new ArgumentException($"Tensor '{tensor}' has shape {type.ShapeText}; interventions edit [batch, positions, channels] (or [batch·positions, channels]) tensors such as the residual stream or MLP activations.");
        if (type.ElementType is not (DataType.Float or DataType.Float16 or DataType.Double or DataType.Bfloat16))
            throw new ArgumentException($"Tensor '{tensor}' holds {type.ElementType} values; interventions edit floating-point activations.");
        return type;
    }

    private string NewInput(GraphIndex index, string name, TensorType type)
    {
        if (index.Exists(name) || index.Outputs.Contains(name))
            throw new ArgumentException($"Cannot add input '{name}': a tensor of that name already exists in '{Name}'; the model already carries this intervention or use another prefix.");
        Graph.Input.Add(type.ToValueInfo(name));
        index.Inputs.Add(name);
        return name;
    }

    // Emits helper nodes (op, name suffix, inputs, Unsqueeze axes or null) and returns the final op that writes the edited tensor.
    private delegate string Emit(string opType, string suffix, string[] inputs, long[]? axes);

    /// <summary>
    /// Renames the tensor's producer output (or, for a graph input, rewires its readers) so the edit's last node writes the
    /// edited value under the old name: consumers, graph outputs and subgraphs see it without being touched.
    /// </summary>
    private InterventionInputs Splice(GraphIndex index, string tensor, string kind,
        Func<Emit, string, (string OpType, string[] Inputs)> build, Dictionary<string, string> inputs,
        Func<string, IEnumerable<NodeProto>>? prelude = null)
    {
        var producer = index.Producers.GetValueOrDefault(tensor);
        var original = producer is not null ? UniqueName(index, $"{tensor}.before_{kind}") : tensor;
        var edited = producer is not null ? tensor : UniqueName(index, $"{tensor}.after_{kind}");
        // Nodes the edit needs before its own (a spliced encoder reading the original value).
        var nodes = prelude is null ? new List<NodeProto>() : [.. prelude(original)];
        string Helper(string opType, string suffix, string[] nodeInputs, long[]? axes)
        {
            var name = UniqueName(index, $"{tensor}.{kind}.{suffix}");
            var node = new NodeProto { OpType = opType, Name = name, Output = { name } };
            node.Input.Add(nodeInputs);
            if (axes is not null)
            {
                // Unsqueeze took its axes as an attribute before opset 13 and as an input since.
                if (Opset >= 13) node.Input.Add(Constant($"{suffix}.axes", axes));
                else node.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { axes } });
            }
            nodes.Add(node);
            index.Producers[name] = node;
            return name;
        }
        string Constant(string suffix, long[] values)
        {
            var name = UniqueName(index, $"{tensor}.{kind}.{suffix}");
            var value = new TensorProto { DataType = (int)DataType.Int64, Dims = { values.Length } };
            value.Int64Data.Add(values);
            var node = new NodeProto { OpType = "Constant", Name = name, Output = { name } };
            node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
            nodes.Add(node);
            index.Producers[name] = node;
            return name;
        }
        var (op, finalInputs) = build(Helper, original);
        var last = new NodeProto { OpType = op, Name = UniqueName(index, $"{tensor}.{kind}"), Input = { finalInputs }, Output = { edited } };
        nodes.Add(last);

        if (producer is not null)
        {
            for (var i = 0; i < producer.Output.Count; i++)
                if (producer.Output[i] == tensor) producer.Output[i] = original;
            var at = Graph.Node.IndexOf(producer) + 1;
            for (var i = 0; i < nodes.Count; i++) Graph.Node.Insert(at + i, nodes[i]);
        }
        else
        {
            foreach (var consumer in index.ConsumersOf(tensor)) Rename(consumer, tensor, edited);
            foreach (var output in Graph.Output)
                if (output.Name == tensor) output.Name = edited;
            for (var i = 0; i < nodes.Count; i++) Graph.Node.Insert(i, nodes[i]);
        }
        return new InterventionInputs(edited, original, inputs);
    }
}

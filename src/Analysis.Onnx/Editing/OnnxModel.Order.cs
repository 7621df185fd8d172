using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

public sealed partial class OnnxModel
{
    /// <summary>
    /// Makes the nodes that read <paramref name="tensor"/> (except those whose names start with <paramref name="exempt"/>)
    /// run only after <paramref name="dependency"/> is computed, without changing any value: they read
    /// <c>Reshape(tensor, Shape(tensor) + 0 · Shape(dependency)[0])</c>, a view of the same buffer. ONNX Runtime orders
    /// nodes by data dependencies only, and may otherwise defer a side computation (statistics read from a large
    /// tensor) to the end of the run, keeping every such tensor alive until then. Returns the delayed tensor's name.
    /// </summary>
    public string ReadAfter(string tensor, string dependency, string prefix, string exempt)
    {
        var index = new GraphIndex(Graph);
        if (!index.Exists(tensor)) throw new UnknownTensorException(tensor, $"the graph of '{Name}'");
        if (!index.Exists(dependency)) throw new UnknownTensorException(dependency, $"the graph of '{Name}'");
        var readers = index.ConsumersOf(tensor).Where(n => !n.Name.StartsWith(exempt, StringComparison.Ordinal)).ToList();
        if (readers.Count == 0) return tensor;

        string Unique(string name) => UniqueName(index, prefix + name);
        string zero = Unique("zero"), one = Unique("one"), shape = Unique("shape"), dependencyShape = Unique("dependency_shape"),
            leading = Unique("dependency_leading"), nothing = Unique("nothing"), same = Unique("same_shape"), delayed = Unique("after");
        var zeroTensor = new TensorProto { Name = zero, DataType = (int)TensorProto.Types.DataType.Int64 };
        zeroTensor.Dims.Add(1);
        zeroTensor.Int64Data.Add(0);
        var oneTensor = new TensorProto { Name = one, DataType = (int)TensorProto.Types.DataType.Int64 };
        oneTensor.Dims.Add(1);
        oneTensor.Int64Data.Add(1);
        Graph.Initializer.Add(zeroTensor);
        Graph.Initializer.Add(oneTensor);

        NodeProto Node(string op, string name, string[] inputs, string output)
        {
            var n = new NodeProto { OpType = op, Name = prefix + name };
            n.Input.AddRange(inputs);
            n.Output.Add(output);
            return n;
        }
        NodeProto[] nodes =
        [
            Node("Shape", "Shape", [tensor], shape),
            Node("Shape", "DependencyShape", [dependency], dependencyShape),
            Node("Slice", "Slice", [dependencyShape, zero, one], leading),
            Node("Mul", "Mul", [leading, zero], nothing),
            Node("Add", "Add", [shape, nothing], same),
            Node("Reshape", "Reshape", [tensor, same], delayed),
        ];
        // Right after the dependency's producer (or the tensor's, whichever comes later). The readers must come after it
        // in the node list, as they do when the dependency is computed by nodes appended right after the tensor's producer.
        if (readers.Any(r => Graph.Node.IndexOf(r) < new[] { tensor, dependency }.Select(t => index.Producers.TryGetValue(t, out var p) ? Graph.Node.IndexOf(p) : -1).Max()))
            throw new ArgumentException($"A node reading '{tensor}' comes before '{dependency}' is computed; append the dependency right after the tensor's producer.", nameof(dependency));
        var at = new[] { tensor, dependency }.Select(t => index.Producers.TryGetValue(t, out var p) ? Graph.Node.IndexOf(p) + 1 : 0).Max();
        foreach (var n in nodes) Graph.Node.Insert(at++, n);
        foreach (var reader in readers)
            for (var i = 0; i < reader.Input.Count; i++)
                if (reader.Input[i] == tensor) reader.Input[i] = delayed;
        return delayed;
    }
}

using System.Runtime.InteropServices;
using Analysis.Onnx.Proto;
using Google.Protobuf;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

/// <summary>
/// Builds a small ONNX model in code (for numerics run on ONNX Runtime): inputs, initializers, nodes, outputs.
/// Outputs without an explicit type are typed by inference.
/// </summary>
/// <param name="opset">Default-domain opset version to import.</param>
/// <param name="name">Graph name.</param>
public sealed class GraphBuilder(int opset = 17, string name = "graph")
{
    private readonly GraphProto _graph = new() { Name = name };
    private readonly List<string> _untypedOutputs = [];
    private readonly Dictionary<string, long> _domains = new(StringComparer.Ordinal);
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);

    /// <summary>Adds a graph input.</summary>
    public GraphBuilder Input(string name, DataType elementType, params Dim[] shape)
    {
        Define(name);
        _graph.Input.Add(new TensorType(elementType, shape).ToValueInfo(name));
        return this;
    }

    /// <summary>Adds a float initializer with the given dims (row-major).</summary>
    public GraphBuilder Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Initializer(name, DataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>Adds an int64 initializer with the given dims (row-major).</summary>
    public GraphBuilder Initializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Initializer(name, DataType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    private GraphBuilder Initializer(string name, DataType type, ReadOnlySpan<byte> bytes, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (p, d) => p * d);
        if (expected != count)
            throw new ArgumentException($"Initializer '{name}' has {count} values but dims [{string.Join(", ", dims)}] need {expected}; fix the dims or the data.");
        Define(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.Add(dims);
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>Adds a node; attribute values may be long, int, float, string, long[], float[], string[] or TensorProto.</summary>
    public GraphBuilder Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes) =>
        Node(opType, "", inputs, outputs, attributes);

    /// <summary>Adds a node of an operator domain other than the default (e.g. "com.microsoft"), imported at version 1.</summary>
    public GraphBuilder Node(string opType, string domain, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        foreach (var o in outputs.Where(o => o.Length > 0)) Define(o); // "" marks an omitted optional output.
        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"{opType}_{_graph.Node.Count}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        foreach (var (key, value) in attributes) node.Attribute.Add(Attribute(key, value));
        if (domain.Length > 0) _domains.TryAdd(domain, 1);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Marks a tensor as a graph output, typed by inference at <see cref="Build"/>.</summary>
    public GraphBuilder Output(string name)
    {
        _untypedOutputs.Add(name);
        return this;
    }

    /// <summary>Marks a tensor as a graph output with an explicit type.</summary>
    public GraphBuilder Output(string name, DataType elementType, params Dim[] shape)
    {
        _graph.Output.Add(new TensorType(elementType, shape).ToValueInfo(name));
        return this;
    }

    /// <summary>The finished model (a new message each call).</summary>
    public OnnxModel Build()
    {
        var model = new ModelProto { IrVersion = IrVersionFor(opset), ProducerName = "Analysis.GraphBuilder", Graph = _graph.Clone() };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (domain, version) in _domains) model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        var types = TypeInference.Run(model.Graph);
        foreach (var o in _untypedOutputs) model.Graph.Output.Add(types[o].ToValueInfo(o));
        return OnnxModel.FromProto(model);
    }

    // The oldest IR version that allows the opset, so older runtimes load the model too.
    private static long IrVersionFor(int opset) => opset switch { <= 8 => 3, <= 12 => 7, <= 17 => 8, <= 19 => 9, <= 21 => 10, _ => 11 };

    private void Define(string tensor)
    {
        if (!_defined.Add(tensor))
            throw new ArgumentException($"Tensor '{tensor}' is defined twice in the graph being built; give it a unique name.");
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.Add(ls); break;
            case int[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.Add(ints.Select(x => (long)x)); break;
            case float[] fs: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.Add(fs); break;
            case string[] ss: a.Type = AttributeProto.Types.AttributeType.Strings; a.Strings.Add(ss.Select(ByteString.CopyFromUtf8)); break;
            case TensorProto t: a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = t; break;
            default: throw new ArgumentException($"Attribute '{name}' has a value of type {value.GetType().Name}, which ONNX attributes cannot hold; use long, float, string, arrays of those, or a TensorProto.");
        }
        return a;
    }
}

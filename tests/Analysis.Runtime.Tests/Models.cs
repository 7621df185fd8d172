using Analysis.Onnx.Proto;
using Google.Protobuf;

namespace Analysis.Runtime.Tests;

/// <summary>Tiny ONNX models built in code (through Analysis.Onnx's protobuf types) for binding tests.</summary>
internal static class Models
{
    /// <summary>y = Identity(x) for one element type, with dimensions named "batch" and "width" (symbolic) or fixed.</summary>
    public static byte[] Identity(TensorElementType type, params object[] dims) =>
        Graph("Identity", type, type, dims, opset: 21);

    /// <summary>y = op(x) with the given input and output element types.</summary>
    public static byte[] Graph(string op, TensorElementType inType, TensorElementType outType, object[] dims, int opset, Action<NodeProto>? configure = null)
    {
        var node = new NodeProto { OpType = op, Name = op.ToLowerInvariant() };
        node.Input.Add("x");
        node.Output.Add("y");
        configure?.Invoke(node);
        var graph = new GraphProto { Name = "test" };
        graph.Node.Add(node);
        graph.Input.Add(Value("x", inType, dims));
        graph.Output.Add(Value("y", outType, dims));
        var model = new ModelProto { IrVersion = 10, ProducerName = "Analysis.Runtime.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, TensorElementType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}

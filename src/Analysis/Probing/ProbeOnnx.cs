using Analysis.Onnx.Proto;
using Google.Protobuf;

namespace Analysis.Probing;

/// <summary>Exports a probe as a standalone ONNX graph: activations [N, d] → logits = x·Wᵀ + b → probabilities = Softmax(logits).</summary>
public static class ProbeOnnx
{
    /// <summary>The graph's input name.</summary>
    public const string Input = "activations";

    /// <summary>Serialized ModelProto (opset 13) for the probe; class names are in the model's metadata ("classes", JSON).</summary>
    public static byte[] Export(LinearClassifier probe, string hook = "")
    {
        var (k, d) = (probe.Classes.Length, probe.Dimension);
        // MatMul wants W transposed: d × k.
        var wt = new float[d * k];
        for (var c = 0; c < k; c++) for (var j = 0; j < d; j++) wt[j * k + c] = probe.Weights[c * d + j];
        var graph = new GraphProto { Name = "probe" };
        graph.Input.Add(Value(Input, "N", d));
        graph.Output.Add(Value("logits", "N", k));
        graph.Output.Add(Value("probabilities", "N", k));
        graph.Initializer.Add(Tensor("probe.weight", wt, d, k));
        graph.Initializer.Add(Tensor("probe.bias", probe.Bias, k));
        graph.Node.Add(Node("MatMul", [Input, "probe.weight"], "probe.scores"));
        graph.Node.Add(Node("Add", ["probe.scores", "probe.bias"], "logits"));
        var softmax = Node("Softmax", ["logits"], "probabilities");
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
        graph.Node.Add(softmax);
        var model = new ModelProto { IrVersion = 8, ProducerName = "analysis", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "classes", Value = System.Text.Json.JsonSerializer.Serialize(probe.Classes) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "hook", Value = hook });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output + "." + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto Value(string name, string batch, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return t;
    }
}

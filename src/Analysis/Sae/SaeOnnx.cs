using Analysis.Onnx.Proto;
using Google.Protobuf;

namespace Analysis.Sae;

/// <summary>
/// The SAE as an ONNX graph (opset 13): activations [N, d_in] → latents [N, d_sae] → reconstruction [N, d_in], in raw
/// activation units. TopK keeps values ≥ the k-th largest (TopK then ReduceMin), BatchTopK keeps pre-activations above
/// its threshold (JumpReLU), ReLU keeps all positives.
/// </summary>
public static class SaeOnnx
{
    /// <summary>The input's name.</summary>
    public const string Input = "activations";

    /// <summary>Serialized ModelProto.</summary>
    public static byte[] Export(Sae sae)
    {
        var (d, m) = (sae.DIn, sae.DSae);
        var w = sae.Weights;
        var encoder = new float[w.EncoderRows.Length];
        for (var j = 0; j < m; j++) for (var t = 0; t < d; t++) encoder[(long)t * m + j] = w.EncoderRows[(long)j * d + t];
        var g = new GraphProto { Name = "sae" };
        g.Input.Add(Value(Input, d));
        g.Output.Add(Value("latents", m));
        g.Output.Add(Value("reconstruction", d));
        g.Initializer.Add(Tensor("W_enc", encoder, d, m));
        g.Initializer.Add(Tensor("b_enc", w.EncoderBias, m));
        g.Initializer.Add(Tensor("W_dec", w.DecoderRows, m, d));
        g.Initializer.Add(Tensor("b_dec", w.DecoderBias, d));
        g.Node.Add(Node("Sub", [Input, "b_dec"], "sae.centred"));
        g.Node.Add(Node("MatMul", ["sae.centred", "W_enc"], "sae.scores"));
        g.Node.Add(Node("Add", ["sae.scores", "b_enc"], "sae.pre"));
        g.Node.Add(Node("Relu", ["sae.pre"], "sae.post"));
        switch (sae.Architecture)
        {
            case SaeArchitecture.TopK:
                var k = new TensorProto { Name = "sae.k", DataType = (int)TensorProto.Types.DataType.Int64 };
                k.Dims.Add(1); k.Int64Data.Add(sae.K);
                g.Initializer.Add(k);
                var topk = new NodeProto { OpType = "TopK", Name = "sae.TopK" };
                topk.Input.Add("sae.post"); topk.Input.Add("sae.k");
                topk.Output.Add("sae.top_values"); topk.Output.Add("sae.top_indices");
                topk.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
                g.Node.Add(topk);
                var kth = Node("ReduceMin", ["sae.top_values"], "sae.kth");
                kth.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { -1 } });
                kth.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                g.Node.Add(kth);
                g.Node.Add(Node("GreaterOrEqual", ["sae.post", "sae.kth"], "sae.keep"));
                break;
            case SaeArchitecture.BatchTopK:
                g.Initializer.Add(Tensor("threshold", Enumerable.Repeat(w.Threshold, m).ToArray(), m));
                g.Node.Add(Node("Greater", ["sae.pre", "threshold"], "sae.keep"));
                break;
        }
        if (sae.Architecture == SaeArchitecture.Relu) g.Node.Add(Node("Identity", ["sae.post"], "latents"));
        else
        {
            var cast = Node("Cast", ["sae.keep"], "sae.mask");
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (int)TensorProto.Types.DataType.Float });
            g.Node.Add(cast);
            g.Node.Add(Node("Mul", ["sae.post", "sae.mask"], "latents"));
        }
        g.Node.Add(Node("MatMul", ["latents", "W_dec"], "sae.decoded"));
        g.Node.Add(Node("Add", ["sae.decoded", "b_dec"], "reconstruction"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "analysis", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "hook_name", Value = sae.Info.HookName });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "architecture", Value = sae.Architecture.Name() });
        return model.ToByteArray();
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output + "." + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto Value(string name, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return t;
    }
}

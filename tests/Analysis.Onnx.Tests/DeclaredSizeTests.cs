using Analysis.Onnx.Proto;
using Google.Protobuf;

namespace Analysis.Onnx.Tests;

/// <summary>
/// Numbers in a model file are not trusted: a tensor that declares 10^12 elements over a few bytes, a shape whose product
/// overflows, or a node missing what its operator needs is refused at load with an <see cref="OnnxFormatException"/>,
/// before anything is sized by it. Each case is a class of bug the fuzzer (<see cref="FuzzTests"/>) found or guards.
/// </summary>
public sealed class DeclaredSizeTests
{
    private static ModelProto Tiny() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestModels.Tiny("tiny_gpt2")));

    private static OnnxFormatException Refused(ModelProto proto, string expected)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bytes = proto.ToByteArray();
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.FromBytes(bytes, name: "hostile.onnx"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "refusing must not allocate by the declared size");
        Assert.Contains("hostile.onnx", e.Message);
        Assert.Contains(expected, e.Message);
        return e;
    }

    [Fact]
    public void ATrillionElementInitializerIsRefusedNotAllocated()
    {
        var proto = Tiny();
        var t = proto.Graph.Initializer.First(t => t.HasRawData && t.RawData.Length > 64);
        t.Dims.Clear();
        t.Dims.Add(1_000_000);
        t.Dims.Add(1_000_000);
        Refused(proto, "1,000,000,000,000 Float elements");
    }

    [Fact]
    public void ATrillionElementTypedTensorInAConstantIsRefused()
    {
        var proto = Tiny();
        proto.Graph.Node.Insert(0, new NodeProto
        {
            OpType = "Constant", Output = { "huge" },
            Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
                T = new TensorProto { Name = "huge", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1_000_000_000_000 }, Int64Data = { 1, 2, 3 } } } },
        });
        Refused(proto, "holds 3");
    }

    [Theory]
    [InlineData(-1L, "negative dimension")]
    [InlineData(long.MaxValue, "over 2^63 elements")]
    public void NegativeOrOverflowingShapesAreRefused(long dim, string expected)
    {
        var proto = Tiny();
        var t = proto.Graph.Initializer.First(t => t.Dims.Count > 0);
        t.Dims.Add(dim);
        t.Dims.Add(dim);
        Refused(proto, expected);
    }

    [Fact]
    public void ExternalDataOfTheWrongLengthIsRefused()
    {
        using var tmp = new TempFolder();
        var proto = Tiny();
        var t = proto.Graph.Initializer.First(t => t.HasRawData && t.RawData.Length > 64);
        File.WriteAllBytes(tmp["w.bin"], t.RawData.ToByteArray());
        t.ClearRawData();
        t.DataLocation = TensorProto.Types.DataLocation.External;
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        t.Dims[0] *= 1_000_000; // no length given: the file's size decides
        File.WriteAllBytes(tmp["m.onnx"], proto.ToByteArray());
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(tmp["m.onnx"]));
        Assert.Contains("external data holds", e.Message);
    }

    [Fact]
    public void ANodeWithoutOutputsIsRefusedNotAnIndexOutOfRange()
    {
        // Found by the fuzzer: hook discovery read Output[0] of an Add, a Gather and a norm with none.
        var proto = Tiny();
        proto.Graph.Node.First(n => n.OpType == "Add").Output.Clear();
        Refused(proto, "has no output");
    }

    [Fact]
    public void ANodeMissingARequiredInputIsRefused()
    {
        var proto = Tiny();
        var gather = proto.Graph.Node.First(n => n.OpType == "Gather");
        gather.Input.RemoveAt(1);
        Refused(proto, "of the 2 inputs Gather requires");
    }

    [Fact]
    public void AConstantWhoseValueIsNotATensorIsRefusedNotANullReference()
    {
        // Found by the fuzzer: a flipped attribute type left Constant's 'value' without a tensor, and type inference read it.
        var proto = Tiny();
        proto.Graph.Node.Insert(0, new NodeProto
        {
            OpType = "Constant", Output = { "c" },
            Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Int, I = 3 } },
        });
        Refused(proto, "holds no tensor");
    }

    [Fact]
    public void OptionalOutputsLeftEmptyAreStillAccepted()
    {
        // GRU and LSTM list optional outputs as "": the onnx node tests hold such models.
        var model = OnnxModel.Load(Path.Combine(TestModels.NodeTests, "test_gru_defaults", "model.onnx"));
        Assert.Equal("", model.Graph.Node.Single().Output[0]);
    }
}

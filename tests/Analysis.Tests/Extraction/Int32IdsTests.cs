using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Onnx.Proto;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Tests.Verification;
using Analysis.Verification;

namespace Analysis.Tests.Extraction;

/// <summary>
/// A model whose input_ids is int32 (some exporters declare it so): stories260k with its ids input retyped and a Cast to
/// int64 in front of its consumers, so it computes exactly what the original computes.
/// </summary>
public class Int32IdsTests
{
    private static readonly string Original = Path.Combine(Models.Folder("stories260k"), "model.onnx");

    private static string Int32Model(TempDirectory dir)
    {
        var model = OnnxModel.Load(Original);
        var graph = model.Graph;
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == "input_ids") node.Input[i] = "input_ids_int64";
        graph.Input.Single(i => i.Name == "input_ids").Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int32;
        graph.Node.Insert(0, new NodeProto
        {
            OpType = "Cast", Name = "ids_to_int64", Input = { "input_ids" }, Output = { "input_ids_int64" },
            Attribute = { new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Int64 } },
        });
        var path = Path.Combine(dir.Path, "model.onnx");
        model.Save(path);
        File.Copy(Path.Combine(Models.Folder("stories260k"), "tokenizer.json"), Path.Combine(dir.Path, "tokenizer.json"));
        File.Copy(Path.Combine(Models.Folder("stories260k"), "reference.json"), Path.Combine(dir.Path, "reference.json"));
        return path;
    }

    [Fact]
    public void AnInt32IdsModelExtractsTheSameActivationsAsTheInt64Original()
    {
        using var dir = new TempDirectory();
        var model = Int32Model(dir);
        using (var session = InferenceSession.Open(model))
            Assert.Equal(TensorElementType.Int32, session.Inputs.Single(i => i.Name == "input_ids").ElementType);
        var data = dir.File("data.jsonl", string.Join("\n", File.ReadLines(Path.Combine(Models.Root, "tools", "demo", "stories.jsonl")).Take(12)) + "\n");
        ExtractionRequest Request(string modelPath, string output) => new()
        {
            Model = modelPath, Tokenizer = Path.Combine(dir.Path, "tokenizer.json"), Data = data, Output = Path.Combine(dir.Path, output),
            Hooks = ["blocks.*.hook_resid_post"], BatchSize = 4, MaxLength = 48, Device = Device.Cpu,
        };
        var int32 = ActivationExtractor.Run(Request(model, "int32"));
        var int64 = ActivationExtractor.Run(Request(Original, "int64"));

        Assert.True(int32.DatasetComplete);
        Assert.True(int32.Rows > 100);
        Assert.Equal(int64.Rows, int32.Rows);
        using var a = ParquetReader.Open(Path.Combine(int32.Output, "part-00000.parquet"));
        using var b = ParquetReader.Open(Path.Combine(int64.Output, "part-00000.parquet"));
        Assert.Equal(b.ReadColumn(0, "token_id").Values<int>().ToArray(), a.ReadColumn(0, "token_id").Values<int>().ToArray());
        for (int layer = 0; layer < 5; layer++)
        {
            var hook = $"blocks.{layer}.hook_resid_post";
            Assert.Equal(b.ReadFloatMatrix(0, hook, out _), a.ReadFloatMatrix(0, hook, out _));
        }
    }

    /// <summary>verify feeds the reference's int64 ids and greedy decoding's ids through the same builder.</summary>
    [Fact]
    public void AnInt32IdsModelVerifiesAgainstTheOriginalsReference()
    {
        using var dir = new TempDirectory();
        var report = ModelVerifier.Verify(Int32Model(dir));
        Assert.True(report.Passed);
        Assert.NotNull(report.Generation);
        Assert.True(report.Generation!.Passed);
    }

    [Fact]
    public void AFloatIdsInputIsRefusedByNameBeforeAnyRun()
    {
        var e = Assert.Throws<BadInputException>(() => new ModelInputs(
            [new ValueMetadata("input_ids", ValueKind.Tensor, TensorElementType.Float, [new Dimension(-1, "batch"), new Dimension(-1, "sequence")])]));
        Assert.Contains("'input_ids' has element type Float", e.Message);
    }
}

using System.Text.Json;
using Analysis.Onnx.Proto;
using Xunit.Abstractions;

namespace Analysis.Onnx.Tests;

/// <summary>Our type inference agrees with independent answers: the ONNX test suite's declared output types, and onnx's own shape inference.</summary>
public sealed class TypeInferenceTests(ITestOutputHelper output)
{
    [Fact]
    public void AgreesWithDeclaredOutputTypesOfTheOnnxNodeTests()
    {
        Assert.True(Directory.Exists(TestModels.NodeTests), $"{TestModels.NodeTests} is missing: run tools/setup.sh (libonnx-testdata).");
        int compared = 0, typed = 0, shaped = 0;
        var wrong = new List<string>();
        foreach (var path in Directory.EnumerateFiles(TestModels.NodeTests, "model.onnx", SearchOption.AllDirectories).Order())
        {
            var model = OnnxModel.Load(path);
            var declared = model.Graph.Output.Select(o => (o.Name, Type: TensorType.FromValueInfo(o))).ToList();
            foreach (var o in model.Graph.Output) o.Type = null; // Infer without seeing the answer.
            var types = model.InferTypes();
            foreach (var (name, expected) in declared)
            {
                if (expected is null) continue;
                compared++;
                if (types.Find(name) is not { } actual) continue;
                typed++;
                if (actual.ElementType != expected.ElementType)
                {
                    wrong.Add($"{Path.GetFileName(Path.GetDirectoryName(path))}/{name}: element type {actual.ElementType}, declared {expected.ElementType}");
                    continue;
                }
                if (actual.Shape is null || expected.Shape is null || actual.Shape.Any(d => d.IsUnknown)) continue;
                shaped++;
                if (!Compatible(actual.Shape, expected.Shape))
                    wrong.Add($"{Path.GetFileName(Path.GetDirectoryName(path))}/{name}: shape {actual.ShapeText}, declared {expected.ShapeText}");
            }
        }
        output.WriteLine($"node tests: {compared} declared outputs; element type inferred for {typed}, full shape for {shaped}; {wrong.Count} disagreements");
        foreach (var w in wrong) output.WriteLine(w);
        Assert.Empty(wrong);
        Assert.True(typed > compared * 0.5, $"only {typed} of {compared} output types inferred");
    }

    // Declared shapes may name a dim we know as a number (or vice versa); numbers must match where both have one.
    private static bool Compatible(IReadOnlyList<Dim> a, IReadOnlyList<Dim> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Value is null || p.Second.Value is null || p.First.Value == p.Second.Value);

    private const string OnnxInference = """
import sys, json, onnx
m = onnx.shape_inference.infer_shapes(onnx.load(sys.argv[1]), data_prop=True)
out = {}
for v in list(m.graph.value_info) + list(m.graph.output):
    t = v.type.tensor_type
    if not t.elem_type: continue
    dims = None if not t.HasField("shape") else [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]
    out[v.name] = [t.elem_type, dims]
print(json.dumps(out))
""";

    [Theory]
    [InlineData("tiny_llama")]
    [InlineData("tiny_gpt2")]
    [InlineData("tiny_gpt2_opset14")]
    [InlineData("tiny_neox")]
    [InlineData("tiny_bert")]
    [InlineData("onnx-models/stories260k")]
    [InlineData("onnx-models/gpt2-tiny")]
    [InlineData("onnx-models/neox-tiny")]
    [InlineData("onnx-models/bert-tiny")]
    [InlineData("onnx-models/gpt2-tiny-optimum")]
    public void AgreesWithOnnxShapeInferenceOnTorchExports(string name)
    {
        var path = name.StartsWith("onnx-models/", StringComparison.Ordinal)
            ? Path.Combine(TestModels.RepositoryRoot, name, "model.onnx") : TestModels.Tiny(name);
        var expected = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(DebianPython.Run(OnnxInference, path))!;
        var model = OnnxModel.Load(path);
        foreach (var o in model.Graph.Output) o.Type = null;
        var types = model.InferTypes();

        var produced = model.Graph.Node.SelectMany(n => n.Output).ToList();
        var untyped = produced.Where(t => types.Find(t) is null).ToList();
        Assert.True(untyped.Count == 0, $"no element type for: {string.Join(", ", untyped)}");
        int exactShapes = 0;
        foreach (var (tensor, e) in expected)
        {
            var actual = types[tensor];
            Assert.True((int)actual.ElementType == e[0].GetInt32(), $"{tensor}: {actual.ElementType} vs onnx {e[0]}");
            if (e[1].ValueKind == JsonValueKind.Null || actual.Shape is null) continue;
            var dims = e[1].EnumerateArray().ToList();
            Assert.True(dims.Count == actual.Shape.Count, $"{tensor}: rank of {actual.ShapeText} vs onnx {e[1]}");
            for (var i = 0; i < dims.Count; i++)
            {
                var ours = actual.Shape[i];
                var theirs = dims[i];
                if (theirs.ValueKind == JsonValueKind.Number)
                    Assert.True(ours.Value is null || ours.Value == theirs.GetInt64(), $"{tensor}: {actual.ShapeText} vs onnx {e[1]}");
                else if (theirs.ValueKind == JsonValueKind.String && !theirs.GetString()!.StartsWith("unk__", StringComparison.Ordinal) && ours.Symbol is not null)
                    Assert.True(ours.Symbol == theirs.GetString(), $"{tensor}: {actual.ShapeText} vs onnx {e[1]}");
            }
            if (actual.Shape.All(d => !d.IsUnknown)) exactShapes++;
        }
        var fullyKnown = produced.Count(t => types[t].Shape is { } s && s.All(d => !d.IsUnknown));
        output.WriteLine($"{name}: {produced.Count} tensors, all typed; full shape known for {fullyKnown}; onnx inferred {expected.Count}");
        // Every residual-stream Add must have its full [batch, sequence, d_model] shape: discovery and exposure rely on it.
        foreach (var add in model.Graph.Node.Where(n => n.OpType == "Add" && types[n.Output[0]].Shape?.Count == 3))
            Assert.DoesNotContain(types[add.Output[0]].Shape!, d => d.IsUnknown);
    }
}

using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Runtime;
using Analysis.Tests.Extraction;
using Analysis.Tests.Verification;
using Xunit.Abstractions;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Tests.Attention;

/// <summary>
/// OnnxModel.ReadAfter, which the attention statistics use to keep one layer's pattern alive at a time: in the graph
/// ONNX Runtime actually runs (its optimized model), each layer's statistics come before the model's own read of that
/// layer's pattern, and the model's outputs do not change by a bit.
/// </summary>
public class ReadAfterTests(ITestOutputHelper output)
{
    [Fact]
    public void EachLayersStatisticsRunBeforeTheModelReadsItsPatternAndLogitsAreUnchanged()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(Models.Folder("stories260k"), "model.onnx");
        var orderedPath = Path.Combine(dir.Path, "ordered.onnx");
        var plainPath = Path.Combine(dir.Path, "plain.onnx");
        var patterns = new List<string>();
        foreach (var ordered in new[] { true, false })
        {
            var model = OnnxModel.Load(path);
            var map = HookDiscovery.Discover(model);
            var hooks = map.Resolve(["blocks.*.attn.hook_pattern"]);
            patterns = hooks.Select(h => h.Tensor).ToList();
            var keep = new List<string> { "logits" };
            for (var l = 0; l < hooks.Count; l++)
            {
                // A stand-in statistic: the mass on the first key, summed over queries.
                var head = new GraphBuilder((int)model.Opset, "stat")
                    .Input("p", DataType.Float, "batch", "heads", "queries", "keys")
                    .Initializer("zero", [0L], 1).Initializer("one", [1L], 1).Initializer("keys_axis", [3L], 1).Initializer("queries_axis", [2L], 1)
                    .Node("Slice", ["p", "zero", "one", "keys_axis"], ["sink"])
                    .Node("ReduceSum", ["sink", "queries_axis"], ["sums"], ("keepdims", 0L))
                    .Output("sums")
                    .Build();
                var sums = model.Append(head, new Dictionary<string, string> { ["p"] = hooks[l].Tensor }, $"stat/{l}/")["sums"];
                keep.Add(sums);
                if (ordered) model.ReadAfter(hooks[l].Tensor, sums, $"stat/{l}/after/", $"stat/{l}/");
            }
            model.KeepOutputs(keep);
            model.Save(ordered ? orderedPath : plainPath);
        }

        var optimized = Path.Combine(dir.Path, "optimized.onnx");
        using var session = InferenceSession.Open(orderedPath, new SessionOptions { OptimizedModelPath = optimized });
        var nodes = OnnxModel.Load(optimized).Graph.Node.ToList();
        for (var l = 0; l < patterns.Count; l++)
        {
            var statistic = nodes.FindIndex(n => n.Output.Contains($"stat/{l}/sums"));
            var readerOfReshaped = nodes.FindIndex(n => nodes.Where(r => r.OpType == "Reshape" && r.Name.StartsWith($"stat/{l}/after/", StringComparison.Ordinal))
                .SelectMany(r => r.Output).Any(n.Input.Contains));
            output.WriteLine($"layer {l}: statistic at node {statistic}, the model's read of the pattern at node {readerOfReshaped}");
            Assert.True(statistic >= 0 && readerOfReshaped > statistic, $"layer {l}: statistic at {statistic}, pattern read at {readerOfReshaped}");
        }

        // The same logits and statistics, bit for bit.
        using var plain = InferenceSession.Open(plainPath, SessionOptions.Default);
        var rows = new[] { Enumerable.Range(1, 40).Select(i => i * 7 % 500).ToArray(), Enumerable.Range(3, 25).ToArray() };
        var outputs = Enumerable.Range(0, patterns.Count).Select(l => $"stat/{l}/sums").Prepend("logits").ToList();
        using var a = session.Run(new ModelInputs(session.Inputs).Build(rows, 40, 0), outputs);
        using var b = plain.Run(new ModelInputs(plain.Inputs).Build(rows, 40, 0), outputs);
        foreach (var o in outputs) Assert.True(a[o].AsSpan<float>().SequenceEqual(b[o].AsSpan<float>()), o);
    }
}

using Analysis.Interventions;
using Analysis.Onnx;
using Analysis.Onnx.Proto;
using Analysis.Runtime;
using Analysis.Extraction;
using Google.Protobuf;

namespace Analysis.Tests.Interventions;

/// <summary>Neuron and head ablations checked against models whose weights were edited to do the same thing.</summary>
public class AblationTests(StoriesActivations stories) : IClassFixture<StoriesActivations>
{
    private static readonly int[][] Rows = InterventionIdentityTests.Rows;

    [Fact]
    public void MeanAblatingANeuronEqualsFoldingItsMeanIntoTheDownProjection()
    {
        const string hook = StoriesActivations.NeuronHook;
        const int neuron = 17;
        var mean = Ablation.DatasetMean(stories.Data, hook);
        Assert.Equal(172, mean.Length);

        using var model = InterventionModel.Open(StoriesActivations.Model, [new(hook, EditKind.Replace)]);
        var feed = model.CreateFeed(Rows);
        for (var r = 0; r < Rows.Length; r++) Ablation.Apply(feed, model, hook, r, AblationKind.Mean, channels: [neuron], values: mean);
        using var ablated = model.Run(feed);

        // Independently: the down projection reads neuron n through row n of its weight; zero that row and add
        // mean[n] · row n as a bias instead. Same function, computed by different operations.
        var edited = OnnxModel.Load(StoriesActivations.Model);
        var tensor = HookDiscovery.Discover(edited).Find(hook)!;
        var down = edited.Graph.Node.Single(n => n.OpType == "MatMul" && n.Input[0] == tensor);
        var weight = edited.GetInitializer(down.Input[1]);
        Assert.Equal([172L, 64L], weight.Dims);
        var w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(edited.ReadTensorData(weight)).ToArray();
        var bias = Enumerable.Range(0, 64).Select(j => mean[neuron] * w[neuron * 64 + j]).ToArray();
        Array.Clear(w, neuron * 64, 64);
        var zeroed = new TensorProto { Name = weight.Name + ".neuron_zeroed", DataType = weight.DataType, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan())) };
        zeroed.Dims.Add(weight.Dims);
        var biasTensor = new TensorProto { Name = "neuron_mean_bias", DataType = weight.DataType, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias.AsSpan())) };
        biasTensor.Dims.Add(64);
        edited.Graph.Initializer.Add(zeroed);
        edited.Graph.Initializer.Add(biasTensor);
        down.Input[1] = zeroed.Name;
        var projected = down.Output[0];
        down.Output[0] = projected + ".before_bias";
        edited.Graph.Node.Insert(edited.Graph.Node.IndexOf(down) + 1,
            new NodeProto { OpType = "Add", Name = "neuron_mean_bias_add", Input = { down.Output[0], biasTensor.Name }, Output = { projected } });
        using var session = InferenceSession.FromBytes(edited.ToBytes());
        using var expected = session.Run(new ModelInputs(session.Inputs).Build(Rows, Rows.Max(r => r.Length), 0), ["logits"]);

        var a = RealPositions(ablated[0].ToArray<float>());
        var e = RealPositions(expected[0].ToArray<float>());
        var maxError = a.Zip(e).Max(p => Math.Abs(p.First - p.Second));
        var scale = e.Max(Math.Abs);
        // Folding reorders float sums (one fewer product inside the matrix product, one more add after it), so the two
        // agree to float rounding at the logits' scale: within 1e-5 relative to the largest logit.
        Assert.True(maxError <= 1e-5 * scale, $"max abs logit difference {maxError:g3} at logit scale {scale:g3}");

        // And a second independent graph: the activation times a constant mask (0 at the neuron) plus a constant (the
        // mean there), built here with plain Mul/Add initializers; this feeds the same values on, so within 1e-5 absolute.
        var masked = OnnxModel.Load(StoriesActivations.Model);
        var consumer = masked.Graph.Node.Single(n => n.OpType == "MatMul" && n.Input[0] == tensor);
        var maskValues = Enumerable.Repeat(1f, 172).ToArray();
        maskValues[neuron] = 0;
        var offsetValues = new float[172];
        offsetValues[neuron] = mean[neuron];
        foreach (var (name, values) in new[] { ("neuron_mask", maskValues), ("neuron_offset", offsetValues) })
        {
            var t = new TensorProto { Name = name, DataType = weight.DataType, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
            t.Dims.Add(172);
            masked.Graph.Initializer.Add(t);
        }
        var at = masked.Graph.Node.IndexOf(consumer);
        masked.Graph.Node.Insert(at, new NodeProto { OpType = "Mul", Name = "neuron_mask_mul", Input = { tensor, "neuron_mask" }, Output = { "neuron_masked" } });
        masked.Graph.Node.Insert(at + 1, new NodeProto { OpType = "Add", Name = "neuron_offset_add", Input = { "neuron_masked", "neuron_offset" }, Output = { "neuron_set" } });
        consumer.Input[0] = "neuron_set";
        using var maskedSession = InferenceSession.FromBytes(masked.ToBytes());
        using var maskedRun = maskedSession.Run(new ModelInputs(maskedSession.Inputs).Build(Rows, Rows.Max(r => r.Length), 0), ["logits"]);
        var maskedError = a.Zip(RealPositions(maskedRun[0].ToArray<float>())).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maskedError <= 1e-5, $"max abs logit difference from the masked graph {maskedError:g3}");

        Assert.True(a.Zip(RealPositions(InterventionIdentityTests.CleanLogits(StoriesActivations.Model, Rows))).Max(p => Math.Abs(p.First - p.Second)) > 1e-4,
            "the ablation should change the logits, or the comparison proves nothing");
    }

    [Fact]
    public void ZeroAblatingAHeadEqualsZeroingItsRowsOfTheOutputProjection()
    {
        const string hook = "blocks.2.attn.hook_z";
        const int head = 5;
        using var model = InterventionModel.Open(StoriesActivations.Model, [new(hook, EditKind.Replace)]);
        Assert.Equal((8, 8), (model.Heads[hook].Heads, model.Heads[hook].HeadDim));
        var channels = Ablation.HeadChannels(model, hook, head);
        var feed = model.CreateFeed(Rows);
        for (var r = 0; r < Rows.Length; r++) Ablation.Apply(feed, model, hook, r, AblationKind.Zero, channels);
        using var ablated = model.Run(feed);

        var edited = HeadZeroed(model, hook, channels);
        using var session = InferenceSession.FromBytes(edited.ToBytes());
        using var expected = session.Run(new ModelInputs(session.Inputs).Build(Rows, Rows.Max(r => r.Length), 0), ["logits"]);
        var maxError = RealPositions(ablated[0].ToArray<float>()).Zip(RealPositions(expected[0].ToArray<float>())).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxError <= 1e-5, $"max abs logit difference {maxError:g3}");
        Assert.Throws<BadInputException>(() => Ablation.HeadChannels(model, hook, 8));
    }

    /// <summary>stories260k with the head's rows of its output projection (64 wide) zeroed: the head ablated in the weights.</summary>
    internal static OnnxModel HeadZeroed(InterventionModel model, string hook, int[] channels)
    {
        var edited = OnnxModel.Load(StoriesActivations.Model);
        var oProj = edited.Graph.Node.Single(n => n.OpType == "MatMul" && n.Input[0] == model.Heads[hook].Tensor);
        var weight = edited.GetInitializer(oProj.Input[1]);
        var w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(edited.ReadTensorData(weight)).ToArray();
        Array.Clear(w, channels[0] * 64, channels.Length * 64);
        var zeroed = new TensorProto { Name = weight.Name + ".head_zeroed", DataType = weight.DataType, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan())) };
        zeroed.Dims.Add(weight.Dims);
        edited.Graph.Initializer.Add(zeroed);
        oProj.Input[1] = zeroed.Name;
        return edited;
    }

    // The ablations touch each row's own tokens only, the edited weights padding too: compare the logits of real tokens.
    private static float[] RealPositions(float[] logits)
    {
        var length = Rows.Max(r => r.Length);
        var vocab = logits.Length / (Rows.Length * length);
        return [.. Enumerable.Range(0, Rows.Length).SelectMany(r => logits.Skip(r * length * vocab).Take(Rows[r].Length * vocab))];
    }
}

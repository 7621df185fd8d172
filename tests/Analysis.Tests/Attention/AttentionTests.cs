using Analysis.Attention;
using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Tests.Extraction;
using Analysis.Tests.Lens;
using Analysis.Tests.Verification;
using Xunit.Abstractions;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Tests.Attention;

public class AttentionTests(ITestOutputHelper output)
{
    private static readonly string StoriesModel = Path.Combine(Models.Folder("stories260k"), "model.onnx");
    private static readonly string StoriesTokenizer = Path.Combine(Models.Folder("stories260k"), "tokenizer.json");

    /// <summary>
    /// A one-block model built here whose head 0 is hard-wired to the first token (its scores fall by 1000 per key
    /// position) and whose head 1 attends by content: head 0's sink mass is 1 and it is dormant on every input; head 1's is not.
    /// </summary>
    [Fact]
    public void HeadHardWiredToTheFirstTokenIsASink()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "sink.onnx");
        SinkModel().Save(path);
        using var stats = AttentionStatistics.Open(new AttentionOptions { Model = path, Tokenizer = StoriesTokenizer, Device = Device.Cpu, BatchSize = 1 });
        Assert.Equal(["blocks.0.attn.hook_pattern"], stats.Hooks);
        var result = stats.Analyze(LensTests.Texts(12));
        foreach (var h in result.Heads) output.WriteLine($"head {h.Head}: sink {h.SinkMass:F6} prev {h.PrevTokenMass:F4} self {h.SelfMass:F4} rest {h.RestMass:F4} entropy {h.Entropy:F4} dormant {h.DormantShare:F2} {h.Classification}");
        Assert.Equal(2, result.Heads.Count);
        Assert.Equal(1.0, result.Heads[0].SinkMass, 6);
        Assert.Equal(0.0, result.Heads[0].Entropy, 4);
        Assert.Equal(1.0, result.Heads[0].DormantShare);
        Assert.Equal("dormant", result.Heads[0].Classification);
        Assert.True(result.Heads[1].SinkMass < 0.5, $"head 1 sink mass {result.Heads[1].SinkMass}");
        Assert.Equal("active", result.Heads[1].Classification);
        Assert.Equal(0.0, result.Heads[1].DormantShare);
    }

    /// <summary>
    /// On stories260k every example's per-head statistics equal those computed here from the full patterns `extract`
    /// stores (padded batches there and here, different batch sizes), within 1e-5.
    /// </summary>
    [Fact]
    public void StatisticsEqualThoseFromExtractedPatterns()
    {
        using var dir = new TempDirectory();
        var texts = LensTests.Texts(30, skip: 100);
        var data = dir.File("data.jsonl", string.Join("\n", texts.Select(t => System.Text.Json.JsonSerializer.Serialize(new { text = t }))) + "\n");
        var extracted = Path.Combine(dir.Path, "patterns");
        ActivationExtractor.Run(new ExtractionRequest
        {
            Model = StoriesModel, Tokenizer = StoriesTokenizer, Data = data, Output = extracted, Hooks = ["blocks.*.attn.hook_pattern"],
            BatchSize = 4, MaxLength = 64, Device = Device.Cpu,
        });

        var mine = new Dictionary<long, double[,,]>();
        using var stats = AttentionStatistics.Open(new AttentionOptions { Model = StoriesModel, Tokenizer = StoriesTokenizer, Device = Device.Cpu, BatchSize = 7, MaxLength = 64 });
        var result = stats.Analyze(texts.Select((t, i) => ((long)i, t)), (id, means) => mine[id] = means);
        Assert.Equal(5, stats.Hooks.Count);
        Assert.Equal(5 * 8, result.Heads.Count);

        double worst = 0;
        var totals = new double[5, 8, 4];
        long queries = 0;
        for (var l = 0; l < 5; l++)
        {
            var rows = ReadPatterns(extracted, $"blocks.{l}.attn.hook_pattern", out var keys);
            foreach (var example in rows.GroupBy(r => r.Example))
            {
                var tokens = example.OrderBy(r => r.Position).ToList();
                var n = tokens.Count - 1;
                if (l == 0) queries += n;
                for (var h = 0; h < 8; h++)
                {
                    double sink = 0, previous = 0, self = 0, entropy = 0;
                    foreach (var (_, q, p) in tokens.Where(r => r.Position >= 1))
                    {
                        var row = p.AsSpan(h * keys, keys);
                        sink += row[0];
                        if (q >= 2) previous += row[q - 1];
                        self += row[q];
                        foreach (var x in row) if (x > 0) entropy -= x * Math.Log(x);
                    }
                    double[] expected = [sink / n, previous / n, self / n, entropy / n];
                    for (var s = 0; s < 4; s++)
                    {
                        worst = Math.Max(worst, Math.Abs(expected[s] - mine[example.Key][l, h, s]));
                        totals[l, h, s] += expected[s] * n;
                    }
                }
            }
        }
        output.WriteLine($"max |Δ| per example over 30 examples × 5 layers × 8 heads × 4 statistics: {worst:E2}");
        Assert.True(worst <= 1e-5, $"max difference {worst}");
        Assert.Equal(queries, result.Queries);
        foreach (var h in result.Heads)
        {
            Assert.Equal(totals[h.Layer, h.Head, 0] / queries, h.SinkMass, 1e-5);
            Assert.Equal(totals[h.Layer, h.Head, 1] / queries, h.PrevTokenMass, 1e-5);
            Assert.Equal(totals[h.Layer, h.Head, 2] / queries, h.SelfMass, 1e-5);
            Assert.Equal(totals[h.Layer, h.Head, 3] / queries, h.Entropy, 1e-5);
        }
    }

    private static List<(long Example, int Position, float[] Pattern)> ReadPatterns(string dataset, string hook, out int keys)
    {
        var rows = new List<(long, int, float[])>();
        keys = 0;
        foreach (var file in Directory.GetFiles(dataset, "part-*.parquet").Order())
        {
            using var reader = ParquetReader.Open(file);
            for (var g = 0; g < reader.RowGroups.Count; g++)
            {
                var ids = reader.ReadColumn(g, "example_id").Values<long>().ToArray();
                var positions = reader.ReadColumn(g, "position").Values<int>().ToArray();
                var matrix = reader.ReadFloatMatrix(g, hook, out var dim);
                for (var i = 0; i < ids.Length; i++) rows.Add((ids[i], positions[i], matrix.AsSpan(i * dim, dim).ToArray()));
                keys = dim / 8;
            }
        }
        return rows;
    }

    // One pre-norm-free block: embedding, two-head attention (head 0 scores −1000·key position, head 1 q·k), an MLP, an unembedding.
    private static OnnxModel SinkModel()
    {
        const int vocab = 512, width = 4;
        var random = new Random(7);
        float[] Weights(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return new GraphBuilder(17, "sink")
            .Input("input_ids", DataType.Int64, "batch", "sequence")
            .Initializer("embedding", Weights(vocab * width), vocab, width)
            .Initializer("wq", Weights(width * width), width, width)
            .Initializer("wk", Weights(width * width), width, width)
            .Initializer("wv", Weights(width * width), width, width)
            .Initializer("wo", Weights(width * width), width, width)
            .Initializer("w_up", Weights(width * 8), width, 8)
            .Initializer("w_down", Weights(8 * width), 8, width)
            .Initializer("unembedding", Weights(width * vocab), width, vocab)
            .Initializer("split_heads", [0L, 0, 2, 2], 4)
            .Initializer("merge_heads", [0L, 0, width], 3)
            .Initializer("zero", [0f])
            .Initializer("one", [1f])
            .Initializer("head_slope", [-1000f, 0f], 1, 2, 1, 1)
            .Node("Gather", ["embedding", "input_ids"], ["x"])
            .Node("MatMul", ["x", "wq"], ["q_flat"]).Node("Reshape", ["q_flat", "split_heads"], ["q_split"]).Node("Transpose", ["q_split"], ["q"], ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("MatMul", ["x", "wk"], ["k_flat"]).Node("Reshape", ["k_flat", "split_heads"], ["k_split"]).Node("Transpose", ["k_split"], ["k_t"], ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("MatMul", ["x", "wv"], ["v_flat"]).Node("Reshape", ["v_flat", "split_heads"], ["v_split"]).Node("Transpose", ["v_split"], ["v"], ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("MatMul", ["q", "k_t"], ["content"])
            // Key positions 0 … T−1 from the scores' own shape, scaled per head: head 0 falls by 1000 per key.
            .Node("Shape", ["content"], ["scores_shape"], ("start", -1L))
            .Node("Squeeze", ["scores_shape"], ["keys_count"])
            .Node("Cast", ["keys_count"], ["keys_float"], ("to", (long)DataType.Float))
            .Node("Range", ["zero", "keys_float", "one"], ["key_position"])
            .Node("Mul", ["key_position", "head_slope"], ["position_bias"])
            .Node("Add", ["content", "position_bias"], ["scores"])
            .Node("Softmax", ["scores"], ["pattern"], ("axis", -1L))
            .Node("MatMul", ["pattern", "v"], ["context"]).Node("Transpose", ["context"], ["context_t"], ("perm", new long[] { 0, 2, 1, 3 }))
            .Node("Reshape", ["context_t", "merge_heads"], ["merged"]).Node("MatMul", ["merged", "wo"], ["attn_out"])
            .Node("Add", ["x", "attn_out"], ["resid_mid"])
            .Node("MatMul", ["resid_mid", "w_up"], ["up"]).Node("Relu", ["up"], ["hidden"]).Node("MatMul", ["hidden", "w_down"], ["mlp_out"])
            .Node("Add", ["resid_mid", "mlp_out"], ["resid_post"])
            .Node("MatMul", ["resid_post", "unembedding"], ["logits"])
            .Output("logits")
            .Build();
    }
}

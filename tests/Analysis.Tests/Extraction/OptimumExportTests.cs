using Analysis.Extraction;
using Analysis.Parquet;
using Analysis.Runtime;
using Analysis.Tests.Verification;
using Analysis.Tokenizers;
using Xunit.Abstractions;

namespace Analysis.Tests.Extraction;

/// <summary>
/// onnx-models/gpt2-tiny-optimum holds gpt2-tiny's weights exported the way Optimum exports GPT-2 with a KV cache:
/// model.onnx (with past) and decoder_model_merged.onnx (If node on use_cache_branch). Extraction from either must give
/// the plain gpt2-tiny's activations, and the cache inputs must really be a cache.
/// </summary>
public class OptimumExportTests(ITestOutputHelper log)
{
    private static readonly string Optimum = Models.Folder("gpt2-tiny-optimum");
    private static readonly string Plain = Path.Combine(Models.Folder("gpt2-tiny"), "model.onnx");
    private static readonly string TokenizerPath = Path.Combine(Optimum, "tokenizer.json");
    private static readonly string Stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");
    private static readonly string[] Hooks = ["blocks.*.hook_resid_post", "blocks.*.attn.hook_pattern"];

    public static TheoryData<string> Files => new() { "model.onnx", "decoder_model_merged.onnx" };

    private static ExtractionRequest Request(string model, string data, string output) => new()
    {
        Model = model, Tokenizer = TokenizerPath, Data = data, Output = output, Hooks = Hooks,
        Positions = PositionMode.All, BatchSize = 8, ExamplesPerPart = 16, Device = Device.Cpu, MaxLength = 64,
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void ResidualStreamAndAttentionPatternsEqualThePlainModels(string file)
    {
        using var dir = new TempDirectory();
        var data = dir.File("data.jsonl", string.Join("\n", File.ReadLines(Stories).Take(30)) + "\n");
        var plain = ActivationExtractor.Run(Request(Plain, data, Path.Combine(dir.Path, "plain")));
        var optimum = ActivationExtractor.Run(Request(Path.Combine(Optimum, file), data, Path.Combine(dir.Path, "optimum")));
        Assert.True(plain.DatasetComplete && optimum.DatasetComplete);
        Assert.Equal(file == "decoder_model_merged.onnx", optimum.BranchNote is not null);

        var names = Enumerable.Range(0, 3).SelectMany(l => new[] { $"blocks.{l}.hook_resid_post", $"blocks.{l}.attn.hook_pattern" }).ToArray();
        var expected = ReadRows(plain.Output, names);
        var actual = ReadRows(optimum.Output, names);
        Assert.Equal(plain.Rows, expected.Count);
        Assert.Equal(expected.Select(r => r.Key), actual.Select(r => r.Key));
        double worst = 0;
        for (var i = 0; i < expected.Count; i++)
            for (var h = 0; h < names.Length; h++)
            {
                Assert.Equal(expected[i].Vectors[h].Length, actual[i].Vectors[h].Length);
                for (var j = 0; j < expected[i].Vectors[h].Length; j++)
                    worst = Math.Max(worst, Math.Abs(expected[i].Vectors[h][j] - actual[i].Vectors[h][j]));
            }
        log.WriteLine($"{file}: {expected.Count} rows, max abs difference {worst:E2}");
        Assert.True(expected.Count > 300);
        Assert.InRange(worst, 0, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void FilledWithAnEmptyCacheTheLogitsAreThePlainModels(string file)
    {
        var tokenizer = Tokenizer.Load(TokenizerPath);
        int[][] rows = [tokenizer.Encode("Once upon a time, there was a little girl.").Ids, tokenizer.Encode("Hello world").Ids];
        var length = rows.Max(r => r.Length);
        using var session = InferenceSession.Open(Path.Combine(Optimum, file));
        using var plainSession = InferenceSession.Open(Plain);
        var inputs = new ModelInputs(session.Inputs).Build(rows, length, 511);
        if (file == "decoder_model_merged.onnx")
        {
            Assert.Equal(TensorElementType.Bool, inputs["use_cache_branch"].ElementType);
            Assert.Equal([1L], inputs["use_cache_branch"].Shape);
        }
        Assert.Equal([2L, 4, 0, 16], inputs["past_key_values.2.value"].Shape);

        using var results = session.Run(inputs);
        using var expected = plainSession.Run(new ModelInputs(plainSession.Inputs).Build(rows, length, 511));
        var logits = results["logits"].ToArray<float>();
        var reference = expected["logits"].ToArray<float>();
        for (var b = 0; b < rows.Length; b++)
            for (var t = 0; t < rows[b].Length; t++)
                for (var v = 0; v < 512; v++)
                    Assert.Equal(reference[(b * length + t) * 512 + v], logits[(b * length + t) * 512 + v], 1e-5f);
        Assert.Equal([2L, 4, length, 16], results["present.0.key"].Shape);
    }

    /// <summary>Feeding the present of a prefix back as past continues the sequence: the graph is the real with-cache computation.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void PresentFedBackAsPastContinuesTheSequence(string file)
    {
        var ids = Tokenizer.Load(TokenizerPath).Encode("The quick brown fox jumps over the lazy dog.").Ids.Select(i => (long)i).ToArray();
        const int prefix = 4;
        int n = ids.Length;
        using var session = InferenceSession.Open(Path.Combine(Optimum, file));
        var merged = session.Inputs.Any(i => i.Name == "use_cache_branch");

        Dictionary<string, Tensor> Step(long[] stepIds, int past, RunResults? cache)
        {
            var feed = new Dictionary<string, Tensor>
            {
                ["input_ids"] = Tensor.Create(stepIds, 1, stepIds.Length),
                ["attention_mask"] = Tensor.Create(Enumerable.Repeat(1L, past + stepIds.Length).ToArray(), 1, past + stepIds.Length),
                ["position_ids"] = Tensor.Create(Enumerable.Range(past, stepIds.Length).Select(p => (long)p).ToArray(), 1, stepIds.Length),
            };
            if (merged) feed["use_cache_branch"] = Tensor.Create(new[] { cache is not null }, 1);
            foreach (var input in session.Inputs.Where(i => i.Name.StartsWith("past_key_values.", StringComparison.Ordinal)))
                feed[input.Name] = cache is null
                    ? Tensor.Create(Array.Empty<float>(), 1, 4, 0, 16)
                    : Tensor.Create(cache[input.Name.Replace("past_key_values.", "present.")].ToArray<float>(), 1, 4, past, 16);
            return feed;
        }

        using var full = session.Run(Step(ids, 0, null));
        using var first = session.Run(Step(ids[..prefix], 0, null));
        using var rest = session.Run(Step(ids[prefix..], prefix, first));
        Assert.Equal([1L, 4, n, 16], rest["present.1.value"].Shape);
        var expected = full["logits"].ToArray<float>()[(prefix * 512)..];
        var actual = rest["logits"].ToArray<float>();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
        // The continuation's present is the prefix's keys exactly, then its own: the past was concatenated, not ignored.
        var heads = KeysByHead(rest["present.2.key"], n);
        var cached = KeysByHead(first["present.2.key"], prefix);
        var whole = KeysByHead(full["present.2.key"], n);
        for (var h = 0; h < 4; h++)
            for (var p = 0; p < n; p++)
                for (var d = 0; d < 16; d++)
                    if (p < prefix) Assert.Equal(cached[h][p][d], heads[h][p][d]);
                    else Assert.Equal(whole[h][p][d], heads[h][p][d], 1e-5f);
    }

    /// <summary>A [1, heads, positions, 16] key tensor as [head][position][dim].</summary>
    private static float[][][] KeysByHead(NativeTensor keys, int positions) =>
        keys.ToArray<float>().Chunk(16).Chunk(positions).ToArray();

    private sealed record Row((long Example, int Position, int Token) Key, float[][] Vectors);

    private static List<Row> ReadRows(string output, string[] hooks)
    {
        var rows = new List<Row>();
        foreach (var file in Directory.GetFiles(output, "part-*.parquet").Order())
        {
            using var reader = ParquetReader.Open(file);
            for (var g = 0; g < reader.RowGroups.Count; g++)
            {
                var ids = reader.ReadColumn(g, "example_id").Values<long>().ToArray();
                var positions = reader.ReadColumn(g, "position").Values<int>().ToArray();
                var tokens = reader.ReadColumn(g, "token_id").Values<int>().ToArray();
                var matrices = hooks.Select(h => (Values: reader.ReadFloatMatrix(g, h, out var dim), Dim: dim)).ToArray();
                for (var i = 0; i < ids.Length; i++)
                    rows.Add(new Row((ids[i], positions[i], tokens[i]), matrices.Select(m => m.Values.AsSpan(i * m.Dim, m.Dim).ToArray()).ToArray()));
            }
        }
        return rows;
    }
}

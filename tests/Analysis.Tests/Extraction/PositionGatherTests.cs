using System.Text.Json;
using Analysis.Extraction;
using Analysis.Extraction.Dataset;
using Analysis.Onnx;
using Analysis.Runtime;
using Analysis.Tests.Verification;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Tests.Extraction;

/// <summary>
/// Positions selected inside the graph (a gather per hook) write the same bytes as positions selected on the CPU from
/// the full hook outputs, for every token layout, with examples of different lengths (padding) in one batch.
/// </summary>
public class PositionGatherTests
{
    private static readonly string Stories = Path.Combine(Models.Root, "tools", "demo", "stories.jsonl");

    /// <summary>Per bundled model: raw tensors whose token axis is laid out [b, s, h, d] and [b, h, s, d] (query heads).</summary>
    private static readonly Dictionary<string, (string SequenceMatrix, string HeadsFirst)> SplitHeads = new()
    {
        ["stories260k"] = ("/layers.0/self_attn/Reshape_output_0", "/layers.0/self_attn/Transpose_output_0"),
        ["gpt2-tiny"] = ("/h.0/attn/Reshape_output_0", "/h.0/attn/Transpose_output_0"),
        ["bert-tiny"] = ("/layer.0/attention_self/Reshape_output_0", "/layer.0/attention_self/Transpose_output_0"),
        ["neox-tiny"] = ("/layers.0/attention/Reshape_output_0", "/layers.0/attention/Transpose_output_0"),
    };

    public static TheoryData<string, string> ModelsAndModes()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "stories260k", "gpt2-tiny", "bert-tiny", "neox-tiny" })
            foreach (var mode in new[] { "first", "last", "span", "mean-span" })
                data.Add(model, mode);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndModes))]
    public void GatheredPositionsWriteTheSameBytesAsCpuSelection(string modelName, string mode)
    {
        using var dir = new TempDirectory();
        var folder = Models.Folder(modelName);
        var (sequenceMatrix, headsFirst) = SplitHeads[modelName];
        var request = new ExtractionRequest
        {
            Model = Path.Combine(folder, "model.onnx"), Tokenizer = Path.Combine(folder, "tokenizer.json"),
            Data = SpanData(dir, 40), Output = Path.Combine(dir.Path, "gathered"),
            Hooks = ["blocks.*.hook_resid_post", "blocks.0.attn.hook_pattern", sequenceMatrix, headsFirst],
            Source = new(SpanField: "word"), Positions = PositionModes.Parse(mode),
            BatchSize = 8, ExamplesPerPart = 16, MaxLength = 16, Device = Device.Cpu,
        };
        Assert.Equal(
            [HookAxes.Sequence, HookAxes.Attention, HookAxes.SequenceMatrix, HookAxes.HeadsFirst],
            Layouts(request.Model, ["blocks.0.hook_resid_post", "blocks.0.attn.hook_pattern", sequenceMatrix, headsFirst]).Order());

        var summary = AssertSameBytes(request);
        // The data mixes lengths in every batch, and some spans lie beyond the 16 tokens kept: those rows select nothing.
        if (request.Positions == PositionMode.MeanSpan) Assert.InRange(summary.Rows, 20, 39);
    }

    /// <summary>Optimum exports with a KV cache (filled with an empty one; the merged decoder's no-cache branch selected).</summary>
    [Theory]
    [InlineData("model.onnx", "last")]
    [InlineData("model.onnx", "span")]
    [InlineData("decoder_model_merged.onnx", "last")]
    [InlineData("decoder_model_merged.onnx", "mean-span")]
    public void OptimumExportsGatherToo(string file, string mode)
    {
        using var dir = new TempDirectory();
        var folder = Models.Folder("gpt2-tiny-optimum");
        var request = new ExtractionRequest
        {
            Model = Path.Combine(folder, file), Tokenizer = Path.Combine(folder, "tokenizer.json"),
            Data = SpanData(dir, 30), Output = Path.Combine(dir.Path, "gathered"),
            Hooks = ["blocks.*.hook_resid_post", "blocks.*.attn.hook_pattern"],
            Source = new(SpanField: "word"), Positions = PositionModes.Parse(mode),
            BatchSize = 8, ExamplesPerPart = 16, MaxLength = 16, Device = Device.Cpu,
        };

        AssertSameBytes(request);
    }

    /// <summary>[batch·seq, d] (exports that flatten tokens before a projection) on a model built here: unfolded, then gathered.</summary>
    [Theory]
    [InlineData("last")]
    [InlineData("span")]
    [InlineData("mean-span")]
    public void FlatHooksAreGatheredToo(string mode)
    {
        using var dir = new TempDirectory();
        var model = FlatModelFile();
        var request = new ExtractionRequest
        {
            Model = model, Tokenizer = Path.Combine(Models.Folder("stories260k"), "tokenizer.json"),
            Data = SpanData(dir, 30), Output = Path.Combine(dir.Path, "gathered"), Hooks = ["flat", "projected"],
            Source = new(SpanField: "word"), Positions = PositionModes.Parse(mode),
            BatchSize = 8, ExamplesPerPart = 16, MaxLength = 16, Device = Device.Cpu,
        };
        Assert.Equal([HookAxes.Sequence, HookAxes.Flat], Layouts(model, ["flat", "projected"]).Order());

        AssertSameBytes(request);
    }

    [Fact]
    public void AllPositionsAndOldOpsetsSelectOnTheCpu()
    {
        using var dir = new TempDirectory();
        var model = FlatModelFile(opset: 11);
        var request = new ExtractionRequest
        {
            Model = model, Tokenizer = Path.Combine(Models.Folder("stories260k"), "tokenizer.json"),
            Data = SpanData(dir, 10), Output = Path.Combine(dir.Path, "old"), Hooks = ["flat"],
            Positions = PositionMode.Last, MaxLength = 16, Device = Device.Cpu,
        };
        Assert.False(ActivationExtractor.Run(request).PositionsInGraph); // opset 11: GatherND has no batch_dims
        var all = request with { Model = Path.Combine(Models.Folder("stories260k"), "model.onnx"), Hooks = ["hook_embed"], Positions = PositionMode.All, Output = Path.Combine(dir.Path, "all") };
        Assert.False(ActivationExtractor.Run(all).PositionsInGraph);
    }

    /// <summary>Runs the request with positions gathered in the graph and selected on the CPU; the part files must be equal.</summary>
    private static ExtractionSummary AssertSameBytes(ExtractionRequest request)
    {
        var gathered = ActivationExtractor.Run(request);
        var cpu = ActivationExtractor.Run(request with { Output = request.Output + "-cpu", PositionsInGraph = false });
        Assert.True(gathered.PositionsInGraph);
        Assert.False(cpu.PositionsInGraph);
        Assert.True(gathered.Rows > 0);
        Assert.Equal(cpu.Rows, gathered.Rows);
        Assert.True(gathered.OutputBytes < cpu.OutputBytes, $"gathered {gathered.OutputBytes} bytes, full {cpu.OutputBytes}");

        var a = DatasetDirectory.Open(gathered.Output).ReadManifest()!;
        var b = DatasetDirectory.Open(cpu.Output).ReadManifest()!;
        Assert.Equal(b.Parts.Select(p => (p.File, p.Rows, p.Sha256)), a.Parts.Select(p => (p.File, p.Rows, p.Sha256)));
        foreach (var part in a.Parts)
            Assert.Equal(File.ReadAllBytes(Path.Combine(cpu.Output, part.File)), File.ReadAllBytes(Path.Combine(gathered.Output, part.File)));
        Assert.Equal(File.ReadAllText(Path.Combine(cpu.Output, "_layout.json")).Split("started_at")[0],
            File.ReadAllText(Path.Combine(gathered.Output, "_layout.json")).Split("started_at")[0]);
        return gathered;
    }

    /// <summary>
    /// Stories lines of 1 to ~60 tokens, each with a span: a word near the start, in the middle, or at the end (which
    /// truncation to 16 tokens cuts off in the long lines, leaving rows with nothing selected beside rows with several).
    /// </summary>
    private static string SpanData(TempDirectory dir, int count)
    {
        var lines = File.ReadLines(Stories).Take(count).Select((line, i) =>
        {
            var text = JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
            if (i % 7 == 3) text = text.Split(' ')[0]; // a one-word example among long ones
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var word = words[(i % 3) switch { 0 => Math.Min(1, words.Length - 1), 1 => words.Length / 2, _ => words.Length - 1 }].Trim('.', ',', '!', '?', '"');
            if (word.Length == 0) word = words[0];
            return JsonSerializer.Serialize(new { text, word });
        });
        return dir.File($"spans-{count}.jsonl", string.Join("\n", lines) + "\n");
    }

    /// <summary>The token layouts a probe run finds for these hooks (what the extractor learns before building the gathering graph).</summary>
    private static List<HookAxes> Layouts(string model, string[] hooks)
    {
        var hooked = HookedModel.Prepare(model, hooks);
        using var session = InferenceSession.Open(hooked.Path);
        var inputs = new ModelInputs(session.Inputs);
        using var results = session.Run(inputs.Build([[1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7]], 7, 0));
        return hooked.Hooks.Select(h => HookLayout.Infer(h.Name, hooked.OutputOf[h.Name], results[hooked.OutputOf[h.Name]].Shape, 2, 7, 24).Axes).ToList();
    }

    /// <summary>
    /// <see cref="FlatModel"/> saved at a fixed path (atomically, the same bytes every time), so that its hooked graphs are
    /// cached once rather than once per test run: the cache key includes the model's path.
    /// </summary>
    private static string FlatModelFile(int opset = 17)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "analysis-tests")).FullName;
        var path = Path.Combine(folder, $"flat-opset{opset}.onnx");
        FlatModel(opset).Save(path);
        return path;
    }

    /// <summary>input_ids → embedding [512, 8] → "flat" [batch·seq, 8] → MatMul → "projected" [batch, seq, 8].</summary>
    private static OnnxModel FlatModel(int opset)
    {
        var random = new Random(7);
        var embedding = Enumerable.Range(0, 512 * 8).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var weight = Enumerable.Range(0, 8 * 8).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        return new GraphBuilder(opset)
            .Input("input_ids", DataType.Int64, "batch", "sequence")
            .Initializer("embedding", embedding, 512, 8)
            .Initializer("weight", weight, 8, 8)
            .Initializer("flat_shape", [-1L, 8], 2)
            .Initializer("width", [8L], 1)
            .Node("Gather", ["embedding", "input_ids"], ["embedded"])
            .Node("Reshape", ["embedded", "flat_shape"], ["flat"])
            .Node("MatMul", ["flat", "weight"], ["flat_projected"])
            .Node("Shape", ["input_ids"], ["ids_shape"])
            .Node("Concat", ["ids_shape", "width"], ["sequence_shape"], ("axis", 0L))
            .Node("Reshape", ["flat_projected", "sequence_shape"], ["projected"])
            .Output("projected")
            .Build();
    }
}

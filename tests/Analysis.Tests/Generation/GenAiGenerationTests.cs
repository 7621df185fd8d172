using System.Text.Json;
using System.Text.Json.Nodes;
using Analysis.Generation;
using Analysis.Interventions;
using Analysis.Runtime;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Generation;

/// <summary>
/// Generation with a KV cache through ONNX Runtime GenAI: against torch's greedy continuation, token for token against the
/// recompute loop (clean, steered, clamped), the inferred genai_config.json against the exporter's config.json, and the
/// native library GenAI runs on (ours, the GPU build).
/// </summary>
public class GenAiGenerationTests
{
    private static readonly string StoriesKv = Models.Folder("stories260k-kv");

    private static GenerationRequest Request(string model, string prompt, int tokens, Sampling? sampling = null) => new()
    {
        Model = model, Tokenizer = Path.Combine(Path.GetDirectoryName(model)!, "tokenizer.json"),
        Prompt = prompt, MaxNewTokens = tokens, Sampling = sampling ?? Sampling.GreedyDecoding,
    };

    [Fact]
    public void GreedyGenAiOnTheStoriesKvExportEqualsTheTorchReferencesHundredTokens()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(StoriesKv, "reference.json")));
        var expected = doc.RootElement.GetProperty("generation").GetProperty("new_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(100, expected.Length);
        var notes = new List<string>();
        var result = GenerationDispatch.Run(Request(Path.Combine(StoriesKv, "model.onnx"), "Once upon a time", 100), note: notes.Add);
        Assert.Equal(GenAiGenerator.Method, result.Method); // auto chose GenAI: the model has a KV cache
        Assert.Empty(notes);
        Assert.Equal(expected, result.Output.TokenIds);
        Assert.StartsWith(", there was a little girl named Lily.", result.Output.Text);
    }

    [Theory]
    [InlineData("stories260k-kv/model.onnx", "Lily wanted to play with the big red ball.", 60)]
    [InlineData("gpt2-tiny-optimum/model.onnx", "The quick brown fox", 40)]
    [InlineData("gpt2-tiny-optimum/decoder_model_merged.onnx", "The quick brown fox", 40)]
    public void GreedyGenAiEqualsGreedyRecomputationTokenForToken(string model, string prompt, int tokens)
    {
        var request = Request(Path.Combine(Models.Root, "onnx-models", model), prompt, tokens);
        var genai = GenerationDispatch.Run(request, GenerationBackend.GenAi);
        var recompute = GenerationDispatch.Run(request, GenerationBackend.Recompute);
        Assert.Equal(GenAiGenerator.Method, genai.Method);
        Assert.Equal(Generator.Method, recompute.Method);
        Assert.Equal(recompute.Output.TokenIds, genai.Output.TokenIds);
        Assert.Equal(recompute.Output.Text, genai.Output.Text);
        Assert.Equal(recompute.Output.Stopped, genai.Output.Stopped);
    }

    [Fact]
    public void SteeringAndClampingCompiledIntoTheKvModelMatchTheRecomputeLoop()
    {
        var model = Path.Combine(StoriesKv, "model.onnx");
        var vector = Enumerable.Range(0, 64).Select(i => MathF.Cos(i * 0.7f)).ToArray();
        var steer = new SteeringEdit(null, Direction.Create("blocks.2.hook_resid_post", vector, "cosine", true), 12);
        var clamp = new ClampEdit("blocks.1.mlp.hook_post", 5, 40f);
        var clean = GenerationDispatch.Run(Request(model, "Once upon a time", 30), GenerationBackend.GenAi).Output.TokenIds;
        foreach (var request in new[]
        {
            Request(model, "Once upon a time", 30) with { Steering = [steer] },
            Request(model, "Once upon a time", 30) with { Clamps = [clamp] },
            Request(model, "Once upon a time", 30) with { Steering = [steer with { Alpha = 0 }] },
        })
        {
            var genai = GenerationDispatch.Run(request, GenerationBackend.GenAi);
            var recompute = GenerationDispatch.Run(request, GenerationBackend.Recompute);
            Assert.Equal(GenAiGenerator.Method, genai.Method);
            Assert.Equal(clean, genai.Clean!.TokenIds); // neutral inputs leave the edited model's output the clean model's
            Assert.Equal(recompute.Output.TokenIds, genai.Output.TokenIds);
            Assert.Equal(request.Steering is [{ Alpha: 0 }], clean.SequenceEqual(genai.Output.TokenIds));
        }
    }

    [Fact]
    public void SamplingIsReproducibleBySeedAndATinyNucleusIsGreedy()
    {
        var model = Path.Combine(StoriesKv, "model.onnx");
        var greedy = GenAiGenerator.Run(Request(model, "Once upon a time", 12)).Output.TokenIds;
        Assert.Equal(greedy, GenAiGenerator.Run(Request(model, "Once upon a time", 12, new Sampling(false, 1.5, 1e-6, 7))).Output.TokenIds);
        var a = GenAiGenerator.Run(Request(model, "Once upon a time", 20, new Sampling(false, 1.2, 0.95, 11))).Output.TokenIds;
        Assert.Equal(a, GenAiGenerator.Run(Request(model, "Once upon a time", 20, new Sampling(false, 1.2, 0.95, 11))).Output.TokenIds);
        Assert.NotEqual(greedy, GenAiGenerator.Run(Request(model, "Once upon a time", 20, new Sampling(false, 3, 1, 5))).Output.TokenIds.Take(12).ToArray());
    }

    [Fact]
    public void TheInferredConfigAgreesWithTheExportersConfigAndLeavesTheModelFolderAlone()
    {
        GenAiGenerator.Run(Request(Path.Combine(StoriesKv, "model.onnx"), "Once", 2));
        Assert.False(File.Exists(Path.Combine(StoriesKv, "genai_config.json")));
        var written = Directory.GetFiles(Shared.TestCache.Folder, "genai_config.json", SearchOption.AllDirectories);
        var hf = JsonNode.Parse(File.ReadAllText(Path.Combine(StoriesKv, "config.json")))!;
        var config = written.Select(p => JsonNode.Parse(File.ReadAllText(p))!["model"]!)
            .First(c => (int)c["decoder"]!["num_hidden_layers"]! == (int)hf["num_hidden_layers"]!);
        var decoder = config["decoder"]!;
        Assert.Equal((int)hf["num_attention_heads"]!, (int)decoder["num_attention_heads"]!);
        Assert.Equal((int)hf["num_key_value_heads"]!, (int)decoder["num_key_value_heads"]!);
        Assert.Equal((int)hf["hidden_size"]! / (int)hf["num_attention_heads"]!, (int)decoder["head_size"]!);
        Assert.Equal((int)hf["hidden_size"]!, (int)decoder["hidden_size"]!);
        Assert.Equal((int)hf["vocab_size"]!, (int)config["vocab_size"]!);
        Assert.Equal((int)hf["max_position_embeddings"]!, (int)config["context_length"]!);
        Assert.Equal([(int)hf["eos_token_id"]!, (int)hf["bos_token_id"]!], config["eos_token_id"]!.AsArray().Select(e => (int)e!));
        Assert.Equal("past_key_values.%d.key", (string)decoder["inputs"]!["past_key_names"]!);
        Assert.Equal("present.%d.value", (string)decoder["outputs"]!["present_value_names"]!);
    }

    [Fact]
    public void GenAiRunsOnOurGpuBuildOfOnnxRuntime()
    {
        GenAiGenerator.Run(Request(Path.Combine(StoriesKv, "model.onnx"), "Once", 2));
        // GenAI loads libonnxruntime.so itself; exactly one is mapped, ours, and it still offers CUDA.
        var mapped = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1])
            .Where(p => Path.GetFileName(p).StartsWith("libonnxruntime.so", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal([OrtEnvironment.Shared.LibraryPath], mapped);
        Assert.Contains(mapped, p => File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "libonnxruntime-genai.so")));
        Assert.Contains("CUDAExecutionProvider", OrtEnvironment.Shared.AvailableProviders);
    }

    [Fact]
    public void AModelGenAiRefusesIsBadInputInOneSentence()
    {
        // A float attention mask: valid ONNX that our runtime would run, but GenAI wants it of position_ids' type.
        var dir = Directory.CreateTempSubdirectory("analysis-genai-refused-").FullName;
        try
        {
            var model = Analysis.Onnx.OnnxModel.Load(Path.Combine(StoriesKv, "model.onnx"));
            model.Graph.Input.Single(i => i.Name == "attention_mask").Type.TensorType.ElemType = (int)Analysis.Onnx.Proto.TensorProto.Types.DataType.Float;
            model.Save(Path.Combine(dir, "model.onnx"));
            File.Copy(Path.Combine(StoriesKv, "tokenizer.json"), Path.Combine(dir, "tokenizer.json"));
            var e = Assert.Throws<BadInputException>(() => GenerationDispatch.Run(Request(Path.Combine(dir, "model.onnx"), "Once", 3), GenerationBackend.GenAi));
            Assert.StartsWith("ONNX Runtime GenAI cannot run", e.Message);
            Assert.Contains("attention_mask", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void GenAiOnAModelWithoutACacheIsBadInputAndAutoRecomputes()
    {
        var plain = Request(Path.Combine(Models.Folder("stories260k"), "model.onnx"), "Once upon a time", 5);
        var e = Assert.Throws<BadInputException>(() => GenerationDispatch.Run(plain, GenerationBackend.GenAi));
        Assert.Contains("has no KV cache", e.Message);
        Assert.Equal(Generator.Method, GenerationDispatch.Run(plain).Method);
    }
}
